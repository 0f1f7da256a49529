"""Run the reminder rules for a day: store what is due once, queue the emails.

Idempotent: run it daily from cron or a systemd timer, as often as you like; a rule
fires once per action per period, and a failed email is retried on the next run.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import services


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--date must be a date like 2024-03-31, not {value!r}.") from error


class Command(BaseCommand):
    help = (
        "Send due-date reminders, overdue and stale notices, monthly update requests, "
        "escalations and board meeting digests. Safe to run more than once a day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            help="Run the rules as of this day (YYYY-MM-DD), for testing or to catch up on a "
            "missed day. Default: today.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List what is due without storing or sending anything.",
        )

    def handle(self, *args, date=None, dry_run=False, **options):
        today = _date(date) if date else timezone.localdate()
        if dry_run:
            due, _rules = services.reminders_due(today)
            self.stdout.write(f"{len(due)} notice(s) due on {today:%A %d %B %Y}:")
            for item in due:
                about = item.action or item.meeting
                self.stdout.write(
                    f"  {item.rule:<15} to {item.recipient.get_username():<15} {about}"
                )
            return
        report = services.reminders_run(today=today)
        self.stdout.write(
            self.style.SUCCESS(
                f"Reminders for {today:%A %d %B %Y}: {report.due} notice(s) due, "
                f"{report.created} new (each in the app and by email); "
                f"{report.escalated} action(s) escalated; {report.emails_queued} email(s) and "
                f"{report.digests_queued} daily digest(s) queued."
            )
        )
