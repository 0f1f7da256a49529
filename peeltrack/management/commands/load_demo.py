"""Load the sample report (through the importer) and demo users. Safe to run again."""

import datetime as dt
import hashlib
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from actions.models import Action, create_action, evidence_add
from forces.models import Board, Force, Membership
from governance.models import Meeting
from governance.services import extension_request
from inspections.importer import parse_report_file
from inspections.importer.plan import apply_import
from inspections.models import Inspection

SAMPLE = Path(__file__).resolve().parents[3] / "inspections" / "sample_data"
SAMPLE_REPORT = SAMPLE / "avon-and-somerset-peel-2018-19.txt"
FORCE = "Avon and Somerset Constabulary"
OTHER_FORCE = "Wiltshire Police"
# Set directly (set_password), not through the password policy: a demo password is
# public by definition. Real accounts choose theirs through the policy.
DEMO_PASSWORD = "peeltrack-demo"

# username, first, last, force, role, team
DEMO_USERS = [
    ("owner", "Olivia", "Owen", FORCE, "owner", "Professional Standards"),
    ("owner2", "Sam", "Patel", FORCE, "owner", "Operational Support"),
    ("coordinator", "Chris", "Cole", FORCE, "coordinator", "Strategic Planning"),
    ("board", "Bea", "Bennett", FORCE, "board_member", "Management Board"),
    ("auditor", "Audrey", "Adams", FORCE, "auditor", "Internal Audit"),
    ("outsider", "Owen", "Other", OTHER_FORCE, "coordinator", "Performance"),
    ("people", "Pat", "Price", FORCE, "people_manager", "People Services"),
]


class Command(BaseCommand):
    help = "Load the Avon and Somerset PEEL 2018/19 sample report and demo users (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            admin = self._users()
            source = SAMPLE_REPORT.read_bytes()
            inspection = Inspection.objects.filter(
                force__name=FORCE, sources__sha256=hashlib.sha256(source).hexdigest()
            ).first()
            if inspection is None:  # imported already: importing again would change nothing
                inspection, _plan = apply_import(
                    parse_report_file(source, SAMPLE_REPORT.name),
                    force=Force.objects.get(name=FORCE),
                    by=admin,
                    source=source,
                    source_name=SAMPLE_REPORT.name,
                )
            self._boards(inspection)
            created = self._actions(inspection)
        self.stdout.write(
            f"Demo data ready: {inspection} with {inspection.judgments.count()} judgments and "
            f"{inspection.findings.count()} findings; {created} demo action(s) raised now."
        )

    def _users(self):
        User = get_user_model()
        for name in (FORCE, OTHER_FORCE):
            Force.objects.get_or_create(
                name=name, defaults={"slug": name.lower().replace(" ", "-")}
            )
        admin, made = User.objects.get_or_create(
            username="admin",
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Back office"},
        )
        if made:
            admin.set_password(DEMO_PASSWORD)
            admin.save()
        for username, first, last, force, role, team in DEMO_USERS:
            user, made = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.police.uk",
                },
            )
            if made:
                user.set_password(DEMO_PASSWORD)
                user.save()
            Membership.objects.get_or_create(
                user=user, force=Force.objects.get(name=force), role=role, defaults={"team": team}
            )
        return admin

    def _boards(self, inspection):
        """The management board oversees vetting and corruption; the scrutiny panel the rest."""
        User = get_user_model()
        force = inspection.force
        management, _ = Board.objects.get_or_create(force=force, name="Management board")
        scrutiny, _ = Board.objects.get_or_create(
            force=force, name="Scrutiny of police powers panel"
        )
        management.members.add(User.objects.get(username="board"))
        scrutiny.members.add(User.objects.get(username="board"))
        for finding in inspection.findings.filter(board__isnull=True):
            if finding.theme in {"use of force", "stop and search"}:
                finding.board = scrutiny
            else:
                finding.board = management
            finding.save(update_fields=["board"])
        for board, title, days in [
            (management, "Quarterly PEEL progress review", 14),
            (scrutiny, "Use of force and stop and search scrutiny", 7),
        ]:
            Meeting.objects.get_or_create(
                board=board,
                title=title,
                defaults={"date": timezone.localdate() + dt.timedelta(days=days)},
            )

    def _actions(self, inspection) -> int:
        """A realistic spread: some in progress, one awaiting sign-off, one unallocated."""
        if Action.objects.filter(finding__inspection=inspection).exists():
            return 0
        User = get_user_model()
        owner, owner2, coordinator = (
            User.objects.get(username=u) for u in ("owner", "owner2", "coordinator")
        )
        today = timezone.localdate()
        findings = list(inspection.findings.exclude(kind="other").order_by("order"))
        created = 0
        for n, finding in enumerate(findings):
            if n == len(findings) - 1:
                break  # the last finding is left for the coordinator to allocate
            who = owner if n % 2 == 0 else owner2
            action = create_action(
                finding=finding,
                by=coordinator,
                title=_title(finding.text),
                description="Agreed at the management board; see the finding for the detail.",
                owner=who,
                team=who.memberships.first().team,
                start_date=today - dt.timedelta(days=60),
                due_date=today + dt.timedelta(days=[-10, 20, 45, 5, 90, 120][n % 6]),
            )
            created += 1
            if n in (0, 1, 2):
                action.apply_update(
                    by=who, note="Work started; terms of reference agreed.", transition="start"
                )
                action.apply_update(
                    by=who, note="Data set defined with the analysts.", progress=40, rag="amber"
                )
            if n == 1:
                extension_request(
                    action=action,
                    by=who,
                    new_due_date=action.due_date + dt.timedelta(days=60),
                    reason="The analysts are seconded to the new records system until spring.",
                )
            if n == 2:
                evidence_add(
                    action=action,
                    by=who,
                    description="Minutes of the board meeting that approved the new process.",
                    effective_date=today - dt.timedelta(days=7),
                    upload=ContentFile(
                        b"Board minutes\nThe board approved the new monitoring process.\n",
                        name="board-minutes.txt",
                    ),
                )
                action.apply_update(
                    by=who,
                    note="All milestones met; asking for closure.",
                    transition="submit",
                    closing_summary="The monitoring process is live and the board approved it.",
                )
        return created


# Titles a coordinator would write for the sample report's findings.
DEMO_TITLES = {
    "debriefing": "Review armed policing debrief procedures",
    "use of force": "Monitor the use-of-force data set",
    "stop and search": "Monitor the stop and search data set",
    "lowest level of vetting": "Clear the vetting backlog",
    "vetting decisions": "Monitor vetting decisions for disproportionality",
    "threat assessment": "Counter-corruption threat assessment and control strategy",
    "capability and capacity": "Resource the counter-corruption unit",
}


def _title(text: str) -> str:
    for phrase, title in DEMO_TITLES.items():
        if phrase in text:
            return title
    words = text.split()
    title = " ".join(words[:12])
    return title if len(words) <= 12 else f"{title}…"
