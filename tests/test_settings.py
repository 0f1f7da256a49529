"""Settings come from the environment, with safe development defaults."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _settings(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='peeltrack.settings'; "
        "from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.TIME_ZONE, settings.USE_TZ)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_default_is_sqlite_in_london_time():
    result = _settings({})
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Europe/London", "True"]


def test_database_url_selects_postgresql():
    result = _settings({"DATABASE_URL": "postgres://u@db.example:5432/peeltrack"})
    assert result.stdout.startswith("django.db.backends.postgresql")


def test_production_refuses_the_development_secret_key():
    result = _settings({"DEBUG": "false"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_secret_key():
    result = _settings({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
