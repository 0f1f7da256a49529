"""Audit events become links of a per-force hash chain: seq, prev_hash, hash, and the
chain heads appends lock. Filled in for existing events by 0003, made compulsory and
guarded by triggers in 0004."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ChainHead",
            fields=[
                ("key", models.BigIntegerField(primary_key=True, serialize=False)),
                ("seq", models.BigIntegerField(default=0)),
                ("hash", models.CharField(default="0" * 64, max_length=64)),
            ],
        ),
        migrations.AlterField(
            model_name="event",
            name="created_at",
            field=models.DateTimeField(db_index=True, editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="seq",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="event",
            name="prev_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="event",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
    ]
