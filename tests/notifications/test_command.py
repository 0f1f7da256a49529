"""send_reminders: the daily command, its --date and --dry-run, and the task that wraps it."""

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import CommandError, call_command

from notifications import tasks
from notifications.models import Notification
from tests.notifications.support import at

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 3, 12)


@pytest.fixture
def due_in_a_week(finding, owner):
    from tests.factories import ActionFactory

    with time_machine.travel(at(TODAY - dt.timedelta(days=1))):
        return ActionFactory(finding=finding, owner=owner, due_date=TODAY + dt.timedelta(days=7))


def test_date_runs_the_rules_for_that_day(due_in_a_week, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", date=TODAY.isoformat(), stdout=out)
    assert "Reminders for Tuesday 12 March 2024" in out.getvalue()
    notice = Notification.objects.get(channel="in_app")
    assert notice.for_date == TODAY
    assert len(mailoutbox) == 1


def test_a_bad_date_is_explained():
    with pytest.raises(CommandError, match="--date must be a date like 2024-03-31"):
        call_command("send_reminders", date="12/03/2024")


def test_dry_run_stores_and_sends_nothing(due_in_a_week, mailoutbox):
    out = io.StringIO()
    call_command("send_reminders", date=TODAY.isoformat(), dry_run=True, stdout=out)
    assert "1 notice(s) due on Tuesday 12 March 2024" in out.getvalue()
    assert "due_soon" in out.getvalue()
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_the_daily_run_is_also_a_task(due_in_a_week, mailoutbox):
    result = tasks.send_reminders.enqueue(TODAY.isoformat())
    assert result.return_value["created"] == 1
    assert len(mailoutbox) == 1


# Committed for real: the worker checks its database connection as it would in production.
@pytest.mark.django_db(transaction=True)
def test_tasks_go_to_the_database_queue_outside_tests(settings, due_in_a_week, mailoutbox):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    call_command("send_reminders", date=TODAY.isoformat(), stdout=io.StringIO())
    assert mailoutbox == []  # waiting for the worker
    again = io.StringIO()
    call_command("send_reminders", date=TODAY.isoformat(), stdout=again)
    assert "0 new" in again.getvalue() and "0 email(s)" in again.getvalue()
    assert DBTaskResult.objects.count() == 1
    call_command("db_worker", batch=True, startup_delay=False, stdout=io.StringIO(), verbosity=0)
    assert len(mailoutbox) == 1
    assert Notification.objects.get(channel="email").status == "sent"
