"""Send each daily-digest reader one email listing every reminder and notice waiting.

Idempotent: at most one digest per person per day, however often it runs; a digest
that fails is tried again on the next run. Run it daily, after send_reminders.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications import services


class Command(BaseCommand):
    help = (
        "Queue the daily digest email for everyone who chose one and has reminders or "
        "notices waiting. At most one digest per person per day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="The day the digests are for (YYYY-MM-DD). Default: today."
        )

    def handle(self, *args, date=None, **options):
        try:
            today = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date must be a date like 2024-03-31, not {date!r}.") from error
        queued = services.digests_queue(today=today)
        self.stdout.write(
            self.style.SUCCESS(f"Daily digests for {today:%A %d %B %Y}: {queued} queued.")
        )
