"""Background work on django-tasks: the same API as Django 6's built-in django.tasks.

Settings' TASKS picks the backend: the database backend in development and production
(run `python manage.py db_worker`), the immediate backend in tests.
"""

import datetime as dt

try:  # Django 6 has the framework built in; the django-tasks backport before that.
    from django.tasks import task
except ImportError:
    from django_tasks import task

from . import services


@task()
def deliver_notification(notification_id: int) -> str:
    """Email one notification, unless it was sent meanwhile."""
    return services.notification_deliver(notification_id)


@task()
def deliver_digest(user_id: int, day: str | None = None) -> str:
    """Email one person their daily digest of everything waiting (once on day)."""
    return services.digest_deliver(user_id, day)


@task()
def send_digests(day: str | None = None) -> int:
    """Queue the day's digests, for schedulers that enqueue tasks rather than run commands."""
    today = dt.date.fromisoformat(day) if day else None
    return services.digests_queue(today=today)


@task()
def send_reminders(day: str | None = None) -> dict:
    """The daily run, for schedulers that enqueue tasks rather than run commands."""
    today = dt.date.fromisoformat(day) if day else None
    return services.reminders_run(today=today).as_dict()
