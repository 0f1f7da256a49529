"""Every event is a link (seq and hashes compulsory, one seq per chain), and the database
itself refuses UPDATE and DELETE on audit_event and backdated inserts (audit/triggers.py)."""

from django.db import migrations, models

from audit import triggers


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_h14a_event_chain_backfill"),
        ("forces", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="event",
            name="seq",
            field=models.BigIntegerField(editable=False),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                condition=models.Q(force__isnull=False),
                fields=("force", "seq"),
                name="audit_event_force_seq_unique",
            ),
        ),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                condition=models.Q(force__isnull=True),
                fields=("seq",),
                name="audit_event_no_force_seq_unique",
            ),
        ),
        migrations.RunPython(triggers.install, triggers.remove, elidable=False),
    ]
