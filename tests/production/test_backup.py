"""Backup and restore, round trip: pg_dump and the file store out, into an empty database
and store, and verify_evidence passes there. PostgreSQL only (CI runs it in that pass)."""

import contextlib
import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.db import connection

from actions.models import Evidence, evidence_add
from audit.models import Event
from tests.production.conftest import AZURITE, azurite_running

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not django_settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
        reason="backup and restore use pg_dump: run with a PostgreSQL DATABASE_URL "
        "(CI's PostgreSQL pass does)",
    ),
]


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _store_env(tmp_path: Path, label: str) -> dict:
    """A fresh, empty store: an Azurite container if it runs here, else a local folder."""
    if azurite_running():
        return {
            "FILE_STORAGE": "azure",
            "AZURE_CONNECTION_STRING": AZURITE,
            "AZURE_CONTAINER": f"test-{label}-{uuid.uuid4().hex[:12]}",
        }
    return {"FILE_STORAGE": "local", "MEDIA_ROOT": str(tmp_path / label)}


def _run(script: str, folder: Path, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "FILE_STORAGE"))}
    base.update({"DJANGO_SETTINGS_MODULE": "peeltrack.settings", "DEBUG": "1", **env})
    return subprocess.run(
        ["bash", f"scripts/{script}", str(folder)],
        cwd=ROOT,
        env=base,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _psql(url: str, sql: str) -> str:
    return subprocess.run(
        ["psql", url, "-tAc", sql], capture_output=True, text=True, check=True
    ).stdout.strip()


@pytest.fixture
def live_store(settings, tmp_path):
    """The test's own store, the one the backup reads, configured in this process too."""
    env = _store_env(tmp_path, "live")
    if env["FILE_STORAGE"] == "azure":
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "peeltrack.storage.AzureStorage",
                "OPTIONS": {
                    "connection_string": AZURITE,
                    "azure_container": env["AZURE_CONTAINER"],
                },
            },
        }
    else:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": env["MEDIA_ROOT"]},
            },
        }
    from django.core.files.storage import default_storage

    from peeltrack.storage import create_container

    create_container(default_storage)
    yield env
    _drop_container(env)


def _drop_container(env: dict) -> None:
    if env["FILE_STORAGE"] == "azure":
        from azure.core.exceptions import ResourceNotFoundError
        from azure.storage.blob import BlobServiceClient

        client = BlobServiceClient.from_connection_string(AZURITE)
        with contextlib.suppress(ResourceNotFoundError):
            client.delete_container(env["AZURE_CONTAINER"])


def test_a_backup_restores_into_an_empty_database_and_store_and_verifies(
    live_store, action, owner, tmp_path
):
    for n in range(3):
        evidence_add(
            action=action,
            by=owner,
            description=f"Vetting policy, part {n}",
            effective_date=action.due_date,
            upload=ContentFile(b"%PDF-1.4\n% part " + str(n).encode(), name=f"part-{n}.pdf"),
        )
    live = _url(connection.settings_dict["NAME"])
    backup = tmp_path / "backup"
    made = _run("backup", backup, {"DATABASE_URL": live, **live_store})
    assert made.returncode == 0, made.stderr
    assert (backup / "database.dump").stat().st_size > 0
    assert len((backup / "files" / "SHA256SUMS").read_text().splitlines()) == 3

    restored_name = f"{connection.settings_dict['NAME']}_restore"
    postgres = _url("postgres")
    _psql(postgres, f'DROP DATABASE IF EXISTS "{restored_name}"')
    _psql(postgres, f'CREATE DATABASE "{restored_name}"')
    restored = _url(restored_name)
    target = _store_env(tmp_path, "restored")
    try:
        result = _run("restore", backup, {"DATABASE_URL": restored, **target})
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Restored 3 files" in result.stdout
        assert "All 3 evidence files match their SHA-256" in result.stdout
        assert "Restore complete and verified." in result.stdout
        for table, model in (("actions_evidence", Evidence), ("audit_event", Event)):
            assert _psql(restored, f"SELECT count(*) FROM {table}") == str(model.objects.count())

        # Restoring again into what is now full is refused, not merged.
        again = _run("restore", backup, {"DATABASE_URL": restored, **target})
        assert again.returncode != 0
        assert "restore into an empty one" in again.stderr
    finally:
        _psql(postgres, f'DROP DATABASE IF EXISTS "{restored_name}"')
        _drop_container(target)
