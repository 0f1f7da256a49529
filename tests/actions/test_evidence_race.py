"""The same file uploaded to one action many times at once is stored once: the database's
unique constraint holds where the read-then-insert check cannot, and the others are
refused with the usual message, never a 500."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from rest_framework.test import APIClient

import actions.models
from actions.models import Evidence, evidence_add
from tests.factories import EvidenceFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _add(action, by, name="policy.pdf"):
    return evidence_add(
        action=action,
        by=by,
        description="Vetting policy",
        effective_date="2020-06-01",
        upload=SimpleUploadedFile(name, PDF),
    )


@pytest.mark.django_db
def test_the_database_refuses_the_same_file_twice_on_one_action(action):
    EvidenceFactory(action=action, content=PDF)
    with pytest.raises(IntegrityError), transaction.atomic():
        EvidenceFactory(action=action, content=PDF)
    EvidenceFactory(content=PDF)  # another action may hold the same file
    for url in ("https://a.example", "https://b.example"):  # links have no file to repeat
        Evidence.objects.create(
            action=action, kind="link", url=url, description="a", effective_date="2020-06-01"
        )


@pytest.mark.django_db
def test_losing_the_race_is_the_usual_refusal_and_leaves_no_file(
    action, owner, monkeypatch, tmp_path
):
    # Another upload of the same file lands between this one's check and its insert.
    save = actions.models._evidence_save

    def racing(*args, **kwargs):
        EvidenceFactory(action=action, content=PDF, original_name="first.pdf")
        return save(*args, **kwargs)

    monkeypatch.setattr(actions.models, "_evidence_save", racing)
    with pytest.raises(ValidationError) as refused:
        _add(action, owner)
    assert "already attached as “first.pdf”" in refused.value.message_dict["file"][0]
    assert Evidence.objects.count() == 1
    stored = [p for p in (tmp_path / "files").rglob("*") if p.is_file()]
    assert len(stored) == 1  # the winner's file only


@pytest.mark.django_db(transaction=True)
def test_ten_identical_uploads_at_once_store_one(action, owner, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers, so only PostgreSQL shows a real race")
    uploads = 10
    # Every upload passes the read-then-insert check before any inserts: the worst case.
    gate = threading.Barrier(uploads, timeout=30)
    save = actions.models._evidence_save

    def together(*args, **kwargs):
        gate.wait()
        return save(*args, **kwargs)

    monkeypatch.setattr(actions.models, "_evidence_save", together)
    answers = []

    def upload(n):
        client = APIClient()
        client.force_login(owner)
        data = {
            "file": SimpleUploadedFile(f"copy-{n}.pdf", PDF),
            "description": "Vetting policy",
            "effective_date": "2020-06-01",
        }
        try:
            response = client.post(f"/api/v1/actions/{action.pk}/evidence/", data)
            answers.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=upload, args=(n,)) for n in range(uploads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] + [400] * (uploads - 1)
    for status, body in answers:
        if status == 400:
            assert body["errors"]["file"][0].startswith("This file is already attached")
    assert Evidence.objects.filter(action=action).count() == 1
