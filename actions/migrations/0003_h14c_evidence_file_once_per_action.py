"""One file once per action: a unique constraint that holds when two uploads race."""

from django.db import migrations, models
from django.db.models import Count


def refuse_existing_duplicates(apps, schema_editor):
    """Name the duplicates rather than fail on an index error: evidence is never deleted,
    so a person must decide which copy goes (in the admin, with its audit trail)."""
    Evidence = apps.get_model("actions", "Evidence")
    twins = (
        Evidence.objects.filter(kind="file")
        .values("action_id", "sha256")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    if twins.exists():
        listed = ", ".join(f"action {t['action_id']} ({t['sha256'][:12]})" for t in twins[:20])
        raise RuntimeError(
            "The same file is attached more than once to one action, so the constraint "
            f"evidence_file_once_per_action cannot be added: {listed}."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0002_imported_actions"),
    ]

    operations = [
        migrations.RunPython(refuse_existing_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="evidence",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "file")),
                fields=("action", "sha256"),
                name="evidence_file_once_per_action",
            ),
        ),
    ]
