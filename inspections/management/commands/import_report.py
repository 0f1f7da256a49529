"""python manage.py import_report PATH [--force NAME] [--dry-run] [--json] [--accept-changes]"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from inspections.importer import ReportUnreadable, parse_report_file
from inspections.importer.plan import apply_import, find_force, plan_import


class Command(BaseCommand):
    help = "Read an inspection report (PDF, saved web page, text) and import its findings."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The report: .pdf, .html or .txt/.md")
        parser.add_argument("--force", help="The force's name, when the report does not say it")
        parser.add_argument("--dry-run", action="store_true", help="Show what would happen only")
        parser.add_argument("--json", action="store_true", help="Print the parsed report as JSON")
        parser.add_argument(
            "--accept-changes",
            action="store_true",
            help="Use the document's value for every difference from what is held (by default "
            "held values are kept and the differences listed)",
        )

    def handle(
        self, *args, path, force=None, dry_run=False, json=False, accept_changes=False, **options
    ):
        source = Path(path)
        if not source.is_file():
            raise CommandError(f"No such file: {source}")
        data = source.read_bytes()
        try:
            parsed = parse_report_file(data, source.name)
        except ReportUnreadable as error:
            raise CommandError(str(error)) from error
        if force:
            parsed["force"] = force
        if json:
            self.stdout.write(_json_dumps(parsed))
        if dry_run:
            if not json:
                self._describe(parsed, plan_import(parsed, force=find_force(parsed.get("force"))))
            return
        held = find_force(parsed.get("force"))
        decisions = None
        if accept_changes:
            decisions = {c.key: "use" for c in plan_import(parsed, force=held).changes}
        try:
            inspection, plan = apply_import(
                parsed, force=held, source=data, source_name=source.name, decisions=decisions
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if not json:
            self._describe(parsed, plan)
            self.stdout.write(self.style.SUCCESS(f"Imported {inspection}."))

    def _describe(self, parsed, plan):
        out = self.stdout.write
        out(f"Force:      {parsed.get('force') or '(not found)'}")
        out(f"Programme:  {parsed.get('programme') or '(not found)'}")
        out(f"Published:  {parsed.get('published') or '(not found)'}")
        out(f"Judgments:  {len(parsed.get('judgments', []))}")
        counts = plan.counts
        out(
            f"Findings:   {len(plan.findings)} ({counts['new']} new, "
            f"{counts['changed']} changed, {counts['unchanged']} unchanged)"
        )
        for item in plan.findings:
            out(f"  [{item.status}] {item.kind}: {item.text[:90]}")
        for change in plan.changes:
            if change.fills_gap and change.field_label == "New judgment":
                continue
            decided = ""
            if plan.accepted or plan.kept:
                decided = " (used)" if change in plan.accepted else " (kept as held)"
            out(
                f"Differs:    {change.subject}, {change.field_label.lower()}: held "
                f"{change.held_display[:60]!r}, document {change.document_display[:60]!r}{decided}"
            )
        for warning in parsed.get("warnings", []):
            out(self.style.WARNING(f"Warning: {warning}"))
        for skipped in parsed.get("skipped", []):
            out(f"Skipped (line {skipped['line']}): {skipped['reason']}")


def _json_dumps(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)
