"""Evidence and source reports on Azure Blob Storage, against Azurite (a real emulator).

Every path that touches a stored file goes through the storage API: the upload and its
hash, the download, the evidence pack, verify_evidence, the report importer.
"""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from actions.models import Evidence
from inspections.models import Inspection
from tests.exports.helpers import body, manifest

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "inspections" / "sample_data"
REPORT = SAMPLE / "avon-and-somerset-peel-2018-19.txt"


def _pdf(size: int, marker: bytes = b"") -> bytes:
    head = b"%PDF-1.4\n% " + marker + b"\n"
    return head + b"0" * (size - len(head))


def _upload(client, action, content: bytes, name="policy.pdf"):
    return client.post(
        reverse("actions:evidence_add", args=[action.pk]),
        {
            "description": "Signed-off vetting policy",
            "effective_date_0": "1",
            "effective_date_1": "6",
            "effective_date_2": "2020",
            "marking": "OFFICIAL",
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_an_upload_is_written_to_the_blob_store_with_its_hash(client, owner, action, blobs):
    content = _pdf(3 * 1024 * 1024, b"bigger than the in-memory limit")
    client.force_login(owner)
    response = _upload(client, action, content)
    assert response.status_code == 302
    evidence = Evidence.objects.get()
    assert evidence.sha256 == _sha(content)
    # Read back with the Azure SDK itself: the bytes in the store are the bytes hashed.
    stored = blobs.download_blob(evidence.file.name).readall()
    assert _sha(stored) == evidence.sha256
    assert [b.name for b in blobs.list_blobs()] == [evidence.file.name]


def test_the_container_is_private(azure_store, blobs):
    assert blobs.get_container_properties().public_access is None


def test_a_download_is_an_attachment_streamed_from_the_store(client, owner, auditor, action, blobs):
    content = _pdf(5 * 1024 * 1024 + 123, b"download me")
    client.force_login(owner)
    _upload(client, action, content)
    evidence = Evidence.objects.get()
    client.force_login(auditor)
    response = client.get(reverse("actions:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="policy.pdf"'
    assert response["Content-Length"] == str(len(content))
    assert b"".join(response.streaming_content) == content


def test_another_force_cannot_download_from_the_store(client, owner, outsider, action, blobs):
    client.force_login(owner)
    _upload(client, action, _pdf(1000))
    client.force_login(outsider)
    evidence = Evidence.objects.get()
    assert client.get(reverse("actions:evidence_download", args=[evidence.pk])).status_code == 404


def test_a_stored_file_is_read_a_chunk_at_a_time(azure_store):
    from django.core.files.base import ContentFile

    name = azure_store.save("evidence/big", ContentFile(b"a" * (9 * 1024 * 1024) + b"end"))
    with azure_store.open(name, "rb") as handle:
        assert handle.size == 9 * 1024 * 1024 + 3
        assert handle.read(5) == b"aaaaa"
        # Only the first range has been fetched; the rest comes as it is read.
        assert handle.file.raw.tell() <= 4 * 1024 * 1024
        rest = handle.read()
    assert rest.endswith(b"end")


def test_a_missing_blob_is_a_missing_file(azure_store):
    with pytest.raises(FileNotFoundError):
        azure_store.open("evidence/never-stored", "rb")


def test_an_evidence_pack_streams_the_files_from_the_store(
    client, owner, auditor, action, inspection, blobs
):
    first, second = _pdf(2000, b"one"), _pdf(3 * 1024 * 1024, b"two")
    client.force_login(owner)
    _upload(client, action, first, "one.pdf")
    _upload(client, action, second, "two.pdf")
    client.force_login(auditor)
    response = client.get(reverse("exports:inspection_pack", args=[inspection.pk]))
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(body(response)))
    rows = manifest(archive)
    assert sorted(row["Check"] for row in rows) == ["OK", "OK"]
    contents = sorted(archive.read(row["Path in pack"]) for row in rows)
    assert contents == sorted([first, second])


def test_verify_evidence_checks_the_files_in_the_store(client, owner, action, blobs, capsys):
    client.force_login(owner)
    _upload(client, action, _pdf(4000, b"kept"))
    _upload(client, action, _pdf(4000, b"changed"))
    _upload(client, action, _pdf(4000, b"lost"))
    call_command("verify_evidence", "--no-record")
    assert "All 3 evidence files match" in capsys.readouterr().out

    kept, changed, lost = Evidence.objects.order_by("pk")
    blobs.upload_blob(changed.file.name, b"%PDF-1.4 forged", overwrite=True)
    blobs.delete_blob(lost.file.name)
    with pytest.raises(CommandError, match="2 of 3"):
        call_command("verify_evidence", "--no-record")
    out = capsys.readouterr().out
    assert f"CHANGED  evidence {changed.pk}" in out
    assert f"VANISHED  evidence {lost.pk}" in out
    assert f"evidence {kept.pk}" not in out


def test_an_imported_report_is_kept_in_the_store(client, coordinator, force, blobs):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(REPORT.name, REPORT.read_bytes())
    client.post(reverse("inspections:import"), {"report": upload, "force": force.pk})
    pending = [b.name for b in blobs.list_blobs()]
    assert len(pending) == 1 and pending[0].startswith("reports/pending/")
    preview = client.get(reverse("inspections:preview"))
    response = client.post(
        reverse("inspections:preview"),
        {
            "confirm": "1",
            "fingerprint": preview.context["plan"].fingerprint,
            "programme": "PEEL 2018/19",
            "published": "2020-02",
            "include-0": "1",
        },
    )
    assert response.status_code == 302
    source = Inspection.objects.get().sources.get()
    # The pending copy is gone; the kept source is in the store with its hash.
    assert [b.name for b in blobs.list_blobs()] == [source.file.name]
    stored = blobs.download_blob(source.file.name).readall()
    assert _sha(stored) == source.sha256 == _sha(REPORT.read_bytes())


def test_prepare_storage_makes_the_container_and_proves_it_works(settings, capsys):
    import uuid

    from django.core.files.storage import default_storage

    from tests.production.conftest import azure_store_settings, need_azurite

    need_azurite()
    container = f"test-{uuid.uuid4().hex[:16]}"
    settings.FILE_STORAGE = "azure"
    settings.STORAGES = {**settings.STORAGES, "default": azure_store_settings(container)}
    try:
        call_command("prepare_storage")
        assert "ready (created)" in capsys.readouterr().out
        call_command("prepare_storage")
        assert "(created)" not in capsys.readouterr().out
        assert default_storage.listdir("")[1] == []  # the probe was deleted
    finally:
        default_storage.service_client.delete_container(container)
