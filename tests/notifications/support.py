"""Helpers for reminder tests: a frozen morning, a run of the command, what it stored."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import time_machine
from django.core.management import call_command

from notifications.models import Notification

LONDON = ZoneInfo("Europe/London")


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    """Seven in the morning, London time: when cron runs the reminders."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def run_on(day: dt.date) -> str:
    """Run send_reminders with the clock frozen on day; returns what it printed."""
    out = io.StringIO()
    with time_machine.travel(at(day), tick=False):
        call_command("send_reminders", stdout=out)
    return out.getvalue()


def notices(**filters):
    """In-app notifications (one per person per notice), oldest first."""
    return Notification.objects.filter(channel="in_app", **filters).order_by("created_at", "pk")
