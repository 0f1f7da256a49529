"""Upload hygiene: bodies capped before they are read; no temporary file outlives its request."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actions.models import Evidence

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _evidence_form(content: bytes) -> dict:
    return {
        "description": "Signed-off vetting policy",
        "effective_date_0": "1",
        "effective_date_1": "6",
        "effective_date_2": "2020",
        "marking": "OFFICIAL",
        "file": SimpleUploadedFile("policy.pdf", content, content_type="application/pdf"),
    }


def test_a_large_upload_leaves_no_temporary_file(
    client, owner, action, settings, tmp_path, monkeypatch
):
    import actions.views

    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    seen = []
    evidence_add = actions.views.evidence_add

    def spy(**kwargs):
        # While the request is being served the upload is on disk, but has no name.
        seen.append((os.listdir(settings.FILE_UPLOAD_TEMP_DIR), type(kwargs["upload"]).__name__))
        return evidence_add(**kwargs)

    monkeypatch.setattr(actions.views, "evidence_add", spy)
    client.force_login(owner)
    content = b"%PDF-1.4\n" + b"0" * (settings.FILE_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = client.post(
        reverse("actions:evidence_add", args=[action.pk]), _evidence_form(content)
    )
    assert response.status_code == 302
    assert seen == [([], "AnonymousTemporaryUploadedFile")]
    assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []
    assert Evidence.objects.get().size == len(content)


KILLED_MID_UPLOAD = """
import os, sys, time
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
import django
from django.conf import settings
django.setup()
settings.FILE_UPLOAD_TEMP_DIR = sys.argv[2]
if sys.argv[1] == "django":
    from django.core.files.uploadedfile import TemporaryUploadedFile as Upload
else:
    from peeltrack.uploads import AnonymousTemporaryUploadedFile as Upload
upload = Upload("evidence.pdf", "application/pdf", 0, None)
upload.write(b"0" * 1024 * 1024)
upload.flush()
print("receiving", flush=True)
time.sleep(60)
"""


def _killed_mid_upload(kind: str, folder: Path) -> list[str]:
    """Start receiving an upload in another process, kill it (SIGKILL), list what is left."""
    folder.mkdir()
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_UPLOAD, kind, str(folder)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "receiving"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    return os.listdir(folder)


def test_a_server_killed_mid_upload_leaves_nothing_behind(tmp_path):
    assert _killed_mid_upload("peeltrack", tmp_path / "ours") == []


def test_djangos_own_handler_would_have_left_the_file(tmp_path):
    # What the handler above fixes: the named temporary file outlives a killed process.
    left = _killed_mid_upload("django", tmp_path / "django")
    assert len(left) == 1 and left[0].endswith(".upload.pdf")


def test_a_body_over_the_limit_is_refused_before_it_is_read(client, owner, action, settings):
    client.force_login(owner)
    claimed = str(settings.REQUEST_MAX_BYTES + 1)
    page = client.post(
        reverse("actions:evidence_add", args=[action.pk]),
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=claimed,
    )
    assert page.status_code == 413
    assert "The file is too big" in page.text
    api = client.post(
        f"/api/v1/actions/{action.pk}/evidence/",
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=claimed,
    )
    assert api.status_code == 413
    assert api.json()["code"] == "too_large"
    assert not Evidence.objects.exists()


def test_the_body_limit_covers_the_largest_upload_allowed(settings):
    largest = max(settings.EVIDENCE_MAX_BYTES, settings.REPORT_MAX_BYTES)
    assert settings.REQUEST_MAX_BYTES > largest  # noqa: SIM300
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 5 * 1024 * 1024
