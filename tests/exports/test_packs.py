import hashlib
import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import Event
from exports.pack_contents import MISMATCH, OK, WITHHELD
from tests.exports.helpers import body, manifest, pack_of
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
)

pytestmark = pytest.mark.django_db


def _inspection_pack(client, inspection):
    return pack_of(client.get(reverse("exports:inspection_pack", args=[inspection.pk])))


@pytest.fixture
def evidence(action):
    return [
        EvidenceFactory(action=action, content=b"%PDF-1.4 policy", original_name="policy.pdf"),
        EvidenceFactory(action=action, content=b"%PDF-1.4 minutes", original_name="minutes.pdf"),
    ]


def test_the_manifest_hashes_match_the_files_in_the_pack(client, auditor, inspection, evidence):
    client.force_login(auditor)
    archive = _inspection_pack(client, inspection)
    rows = manifest(archive)
    assert len(rows) == 2
    for row in rows:
        data = archive.read(row["Path in pack"])
        assert hashlib.sha256(data).hexdigest() == row["SHA-256 recorded at upload"]
        assert row["SHA-256 of the file in this pack"] == row["SHA-256 recorded at upload"]
        assert row["Check"] == OK
    assert archive.testzip() is None


def test_the_pack_has_a_folder_per_finding_and_action_an_index_and_the_audit_trail(
    client, auditor, owner, inspection, action, evidence, coordinator
):
    action.apply_update(by=owner, note="Kick-off held", transition="start")
    DecisionFactory(action=action, decided_by=coordinator, rationale="Keep going")
    client.force_login(auditor)
    archive = _inspection_pack(client, inspection)
    names = set(archive.namelist())
    folder = f"peel-201819/{action.finding.reference.lower().replace(' ', '-')}/action-{action.pk}-"
    assert any(name.startswith(folder) for name in names)
    assert {"manifest.csv", "index.html", "audit-trail.csv", "README.txt", "SHA256SUMS"} <= names
    index = archive.read("index.html").decode()
    assert action.finding.text in index
    assert "Kick-off held" in index
    assert "Keep going" in index
    assert 'href="peel-201819/' in index  # links to the files, relative, for offline use
    assert "Kick-off held" in archive.read("audit-trail.csv").decode("utf-8-sig")
    sums = archive.read("SHA256SUMS").decode().splitlines()
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256(archive.read(name)).hexdigest() == digest


def test_a_tampered_stored_file_is_flagged_in_the_pack_not_hidden(
    client, auditor, inspection, evidence
):
    tampered = evidence[0]
    with open(tampered.file.path, "wb") as handle:
        handle.write(b"%PDF-1.4 a different policy")
    client.force_login(auditor)
    archive = _inspection_pack(client, inspection)
    row = next(r for r in manifest(archive) if r["Evidence ID"] == str(tampered.pk))
    assert row["Check"] == MISMATCH
    assert row["SHA-256 of the file in this pack"] != row["SHA-256 recorded at upload"]
    index = archive.read("index.html").decode()
    assert "1 evidence item(s) failed the check" in index


def test_verify_evidence_reports_a_changed_and_a_vanished_file(evidence, capsys):
    changed, vanished = evidence
    with open(changed.file.path, "ab") as handle:
        handle.write(b"tampered")
    vanished.file.storage.delete(vanished.file.name)
    with pytest.raises(CommandError, match="2 of 2 evidence files changed or vanished"):
        call_command("verify_evidence")
    out = capsys.readouterr().out
    assert f"CHANGED  evidence {changed.pk}" in out
    assert f"VANISHED  evidence {vanished.pk}" in out
    assert Event.objects.filter(verb="evidence.integrity").count() == 2


def test_verify_evidence_passes_untouched_files(evidence, capsys):
    call_command("verify_evidence", "--no-record")
    assert "All 2 evidence files match" in capsys.readouterr().out


def _download(client, inspection, tmp_path):
    path = tmp_path / "pack.zip"
    path.write_bytes(body(client.get(reverse("exports:inspection_pack", args=[inspection.pk]))))
    return path


def test_verify_pack_passes_an_untouched_pack(client, auditor, inspection, evidence, tmp_path):
    client.force_login(auditor)
    path = _download(client, inspection, tmp_path)
    out = io.StringIO()
    call_command("verify_pack", str(path), stdout=out)
    # 2 evidence files, then manifest, audit trail, index and README from SHA256SUMS
    assert "all 6 files match" in out.getvalue()


def test_verify_pack_names_a_file_changed_after_download(
    client, auditor, inspection, evidence, tmp_path
):
    client.force_login(auditor)
    path = _download(client, inspection, tmp_path)
    original = zipfile.ZipFile(path)
    target = manifest(original)[0]["Path in pack"]
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(tampered, "w") as out:
        for info in original.infolist():
            data = original.read(info.filename)
            out.writestr(info.filename, b"forged" if info.filename == target else data)
        out.writestr("extra/forged.pdf", b"%PDF-1.4 forged")
    stdout = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("verify_pack", str(tampered), stdout=stdout)
    assert f"DIFFERS  {target}" in stdout.getvalue()
    assert "NOT IN MANIFEST  extra/forged.pdf" in stdout.getvalue()


def test_verify_pack_refuses_something_that_is_not_a_pack(tmp_path):
    path = tmp_path / "notes.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(CommandError, match="not a readable ZIP"):
        call_command("verify_pack", str(path))


def test_sensitive_evidence_is_withheld_from_those_who_may_not_see_it_and_listed(
    client, teammate, auditor, inspection, action
):
    secret = EvidenceFactory(
        action=action, marking="OFFICIAL-SENSITIVE", original_name="informant-log.pdf"
    )
    client.force_login(teammate)  # an owner in the force, but not of this action
    archive = _inspection_pack(client, inspection)
    (row,) = manifest(archive)
    assert row["Check"] == WITHHELD
    assert row["Path in pack"] == "" and row["Evidence ID"] == str(secret.pk)
    assert row["Original file name"] == ""  # a withheld item's name is withheld too
    assert not any("informant" in name for name in archive.namelist())
    index = archive.read("index.html").decode()
    assert "1 OFFICIAL-SENSITIVE item(s) were left out" in index
    assert "informant" not in index
    assert "informant" not in archive.read("audit-trail.csv").decode("utf-8-sig")
    event = Event.objects.get(verb="export.pack")
    assert (event.data["files"], event.data["withheld"]) == (0, 1)
    client.force_login(auditor)
    (row,) = manifest(_inspection_pack(client, inspection))
    assert row["Check"] == OK
    assert row["Original file name"] == "informant-log.pdf"


def test_a_pack_download_is_an_audit_event(client, auditor, force, inspection, evidence):
    client.force_login(auditor)
    _inspection_pack(client, inspection)
    event = Event.objects.get(verb="export.pack")
    assert (event.actor, event.force, event.data["files"]) == (auditor, force, 2)
    assert event.data["count"] == 2
    assert event.data["path"] == reverse("exports:inspection_pack", args=[inspection.pk])


def test_another_forces_packs_do_not_exist(client, outsider, inspection, finding):
    client.force_login(outsider)
    assert client.get(reverse("exports:inspection_pack", args=[inspection.pk])).status_code == 404
    assert client.get(reverse("exports:finding_pack", args=[finding.pk])).status_code == 404
    assert not Event.objects.filter(verb="export.pack").exists()


def test_a_finding_pack_holds_only_that_finding(client, auditor, inspection, action, evidence):
    other = ActionFactory(finding=FindingFactory(inspection=inspection))
    EvidenceFactory(action=other, content=b"%PDF other")
    client.force_login(auditor)
    url = reverse("exports:finding_pack", args=[action.finding.pk])
    rows = manifest(pack_of(client.get(url)))
    assert {r["Action ID"] for r in rows} == {str(action.pk)}


def test_an_actions_pack_follows_the_list_filters(client, auditor, finding, owner, other_force):
    red = ActionFactory(finding=finding, owner=owner, rag="red")
    green = ActionFactory(finding=finding, owner=owner, rag="green")
    EvidenceFactory(action=red, content=b"%PDF red")
    EvidenceFactory(action=green, content=b"%PDF green")
    elsewhere = ActionFactory(
        finding=FindingFactory(inspection=InspectionFactory(force=other_force)), rag="red"
    )
    EvidenceFactory(action=elsewhere, content=b"%PDF elsewhere")
    client.force_login(auditor)
    rows = manifest(pack_of(client.get(reverse("exports:actions_pack") + "?rag=red")))
    assert [r["Action ID"] for r in rows] == [str(red.pk)]
    assert Event.objects.get(verb="export.pack").data["filters"] == {"rag": ["red"]}


@pytest.mark.parametrize("rows", [5, 50])
def test_a_pack_costs_the_same_queries_for_5_or_50_actions(
    client, auditor, finding, owner, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        action = ActionFactory(finding=finding, owner=owner)
        action.apply_update(by=owner, note="Started", transition="start")
        EvidenceFactory(action=action, content=f"%PDF-{action.pk}".encode())
    client.force_login(auditor)
    # session, user, inspection, forces, roles, evidence, files per force, event insert
    # (and savepoints); while streaming: audit trail, findings, actions, decisions, events
    with django_assert_max_num_queries(18):
        archive = pack_of(
            client.get(reverse("exports:inspection_pack", args=[finding.inspection_id]))
        )
    assert len(manifest(archive)) == rows
