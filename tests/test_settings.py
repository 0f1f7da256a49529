"""Settings come from the environment: development is asked for, production is safe.

Each test starts Django in a subprocess with exactly the environment it names (the
suite itself runs with DEBUG on, tests/settings.py).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# What docs/deploy.md tells an operator to set (values made up, the shape real).
PRODUCTION = {
    "SECRET_KEY": "k3Jq9vX2pL7mN4bR8tY1wZ6cF0hG5dS3aE9uI2oP7lK4jH8gQ1x",
    "ALLOWED_HOSTS": "peeltrack.example.police.uk",
    "CSRF_TRUSTED_ORIGINS": "https://peeltrack.example.police.uk",
    "DATABASE_URL": "postgres://peeltrack@db.internal:5432/peeltrack",
    "BEHIND_TLS_PROXY": "1",
    "SITE_URL": "https://peeltrack.example.police.uk",
    "FILE_STORAGE": "azure",
    "AZURE_CONNECTION_STRING": (
        "DefaultEndpointsProtocol=https;AccountName=peeltrackfiles;"
        "AccountKey=bm90LWEtcmVhbC1rZXk=;EndpointSuffix=core.windows.net"
    ),
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "EMAIL_HOST": "smtp.internal",
    # An Ed25519 seed, base64 (openssl genpkey -algorithm ed25519 gives a real one).
    "PACK_SIGNING_KEY": "oWN0aGlzLWlzLWEtdGVzdC1rZXktbm90LWEtcmVhbCE=",
}
OURS = set(PRODUCTION) | {
    "DEBUG",
    "MEDIA_ROOT",
    "LOG_FORMAT",
    "DJANGO_SETTINGS_MODULE",
    "CLAMAV_ENABLED",
    "CONN_MAX_AGE",
}


def _run(args: list[str], env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    return subprocess.run(
        args,
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "peeltrack.settings", **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _settings(env: dict, show: str = "") -> subprocess.CompletedProcess:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DATABASES['default']['ENGINE'], settings.TIME_ZONE, settings.USE_TZ, "
        f"settings.DEBUG{', ' + show if show else ''})"
    )
    return _run([sys.executable, "-c", code], env)


def test_debug_is_off_unless_set():
    result = _settings({**PRODUCTION})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[3] == "False"


def test_development_is_sqlite_in_london_time():
    result = _settings({"DEBUG": "1"})
    assert result.stdout.split() == ["django.db.backends.sqlite3", "Europe/London", "True", "True"]


def test_database_url_selects_postgresql():
    result = _settings({"DEBUG": "1", "DATABASE_URL": "postgres://u@db.example:5432/peeltrack"})
    assert result.stdout.startswith("django.db.backends.postgresql")


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("SECRET_KEY", "Set SECRET_KEY"),
        ("ALLOWED_HOSTS", "Set ALLOWED_HOSTS"),
        ("DATABASE_URL", "Set DATABASE_URL"),
        ("PACK_SIGNING_KEY", "Set PACK_SIGNING_KEY"),
    ],
)
def test_production_refuses_to_start_without_each_essential(missing, named):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = _settings(env)
    assert result.returncode != 0
    assert named in result.stderr


def test_production_refuses_the_development_secret_key():
    result = _settings({**PRODUCTION, "SECRET_KEY": "django-insecure-peeltrack-development-only"})
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_production_refuses_a_short_secret_key():
    result = _settings({**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "at least 50" in result.stderr


def test_production_refuses_a_signing_key_it_cannot_read():
    code = "import django; django.setup()"
    result = _run([sys.executable, "-c", code], {**PRODUCTION, "PACK_SIGNING_KEY": "not-a-key"})
    assert result.returncode != 0
    assert "PACK_SIGNING_KEY is not an Ed25519 private key" in result.stderr


def test_production_refuses_sqlite():
    result = _settings({**PRODUCTION, "DATABASE_URL": "sqlite:///db.sqlite3"})
    assert result.returncode != 0
    assert "Set DATABASE_URL: a PostgreSQL database" in result.stderr


def test_an_unknown_file_store_is_refused_by_name():
    result = _settings({"DEBUG": "1", "FILE_STORAGE": "floppy"})
    assert result.returncode != 0
    assert "FILE_STORAGE must be local, azure or s3" in result.stderr


def test_azure_needs_its_connection():
    result = _settings({"DEBUG": "1", "FILE_STORAGE": "azure"})
    assert result.returncode != 0
    assert "Set AZURE_CONNECTION_STRING" in result.stderr


def test_each_store_is_selected_by_environment_variables():
    show = "settings.STORAGES['default']['BACKEND']"
    local = _settings({"DEBUG": "1"}, show)
    azure = _settings(PRODUCTION, show)
    s3 = _settings({"DEBUG": "1", "FILE_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "files"}, show)
    assert local.stdout.split()[-1] == "django.core.files.storage.FileSystemStorage"
    assert azure.stdout.split()[-1] == "peeltrack.storage.AzureStorage"
    assert s3.stdout.split()[-1] == "peeltrack.storage.S3Storage"


def test_a_number_setting_that_is_not_a_number_is_named():
    result = _settings({"DEBUG": "1", "EVIDENCE_MAX_BYTES": "25MB"})
    assert result.returncode != 0
    assert "EVIDENCE_MAX_BYTES must be a whole number" in result.stderr


def test_the_documented_production_settings_pass_the_deployment_checklist():
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_deployment_checklist_catches_what_an_operator_turns_off():
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SESSION_COOKIE_SECURE": "0"},
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout
    assert "security.W012" in result.stderr + result.stdout


def test_production_warns_when_uploads_are_not_scanned_for_viruses():
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        {**PRODUCTION, "CLAMAV_ENABLED": "0"},
    )
    assert result.returncode != 0
    assert "peeltrack.W001" in result.stderr + result.stdout
    assert "not scanned for viruses" in result.stderr + result.stdout


def test_scanning_is_on_in_production_and_off_in_development_unless_set():
    assert _settings(PRODUCTION, "settings.CLAMAV_ENABLED").stdout.split()[-1] == "True"
    development = _settings({"DEBUG": "1"}, "settings.CLAMAV_ENABLED")
    assert development.stdout.split()[-1] == "False"
    asked = _settings({"DEBUG": "1", "CLAMAV_ENABLED": "1"}, "settings.CLAMAV_ENABLED")
    assert asked.stdout.split()[-1] == "True"


DB = "settings.DATABASES['default']"


@pytest.mark.parametrize(
    ("env", "kept"),
    [
        (PRODUCTION, 60),
        ({**PRODUCTION, "CONN_MAX_AGE": "0"}, 0),
        ({**PRODUCTION, "CONN_MAX_AGE": "300"}, 300),
        ({"DEBUG": "1"}, 0),
    ],
)
def test_production_keeps_database_connections_and_checks_them_before_reuse(env, kept):
    result = _settings(env, show=f"{DB}['CONN_MAX_AGE'], {DB}['CONN_HEALTH_CHECKS']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[4:] == [str(kept), "True"]
