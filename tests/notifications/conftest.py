"""Reminder tests run tasks at once (the immediate backend) on a frozen clock."""

import pytest


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.SITE_URL = "https://peeltrack.example.police.uk"
