"""Re-hash every stored evidence file and report any that changed or vanished."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from actions.models import Evidence
from actions.uploads import sha256_of_file
from audit.models import Event


class Command(BaseCommand):
    help = (
        "Re-hash stored evidence files against the SHA-256 recorded at upload. Each file "
        "that changed or vanished is reported and recorded in the audit trail (unless "
        "--no-record). Exits with status 1 if any did."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", help="only this force (its slug)")
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="report only; do not write the failures to the audit trail",
        )

    def handle(self, *args, force=None, no_record=False, **options):
        evidence = (
            Evidence.objects.filter(kind=Evidence.Kind.FILE)
            .select_related("action__finding__inspection")
            .order_by("pk")
        )
        if force:
            evidence = evidence.filter(action__finding__inspection__force__slug=force)
        checked = 0
        problems = []
        for item in evidence.iterator(chunk_size=500):
            checked += 1
            problem = self._check(item)
            if problem is None:
                continue
            problems.append(problem)
            self.stdout.write(
                f"{problem[0]}  evidence {item.pk} ({item.name}), action "
                f"{item.action_id}: {problem[1]}"
            )
            if not no_record:
                with transaction.atomic():
                    Event.record(
                        None,
                        "evidence.integrity",
                        item,
                        summary=f"Integrity check failed: {item.audit_label} {problem[0].lower()}",
                        expected=item.sha256,
                        found=problem[2],
                        stored_as=item.file.name,
                    )
        if problems:
            raise CommandError(
                f"{len(problems)} of {checked} evidence files changed or vanished since upload."
            )
        self.stdout.write(self.style.SUCCESS(f"All {checked} evidence files match their SHA-256."))

    def _check(self, item) -> tuple[str, str, str] | None:
        if not item.file or not item.file.storage.exists(item.file.name):
            return ("VANISHED", f"stored file {item.file.name or '(none)'} not found", "")
        try:
            found = sha256_of_file(item.file)
        except OSError as error:
            return ("UNREADABLE", str(error), "")
        if found != item.sha256:
            return ("CHANGED", f"SHA-256 now {found}, recorded at upload {item.sha256}", found)
        return None
