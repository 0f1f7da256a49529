"""The importer: from a parsed report to an inspection, idempotently."""

import io
import json
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from audit.models import Event
from inspections.importer import parse_report_file
from inspections.importer.plan import apply_import, plan_import
from inspections.models import Finding, Inspection
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).resolve().parents[2] / "inspections" / "sample_data"
REPORT = SAMPLE / "avon-and-somerset-peel-2018-19.txt"
PDF = SAMPLE / "avon-and-somerset-peel-2018-19.pdf"


@pytest.fixture(scope="module")
def parsed():
    return parse_report_file(REPORT.read_bytes(), REPORT.name)


def _import(parsed, force, **kwargs):
    return apply_import(json.loads(json.dumps(parsed)), force=force, **kwargs)


def test_the_sample_report_imports_its_judgments_and_findings(parsed, force, coordinator):
    inspection, _ = _import(parsed, force, by=coordinator, source=REPORT.read_bytes())
    assert inspection.programme == "PEEL 2018/19"
    assert str(inspection.published) == "2020-02-01"
    assert inspection.judgments.filter(question="").count() == 3
    assert inspection.judgments.exclude(question="").count() == 10
    assert inspection.findings.filter(kind="area_for_improvement").count() == 6
    assert inspection.findings.filter(kind="recommendation").count() == 1
    assert len(inspection.sources.get().sha256) == 64
    assert Event.objects.filter(verb="inspection.import", actor=coordinator).exists()


def test_findings_are_linked_to_their_graded_question(parsed, force):
    inspection, _ = _import(parsed, force)
    vetting = inspection.findings.get(text__startswith="The force should ensure all staff")
    assert vetting.judgment.question == "Ethical and lawful workforce behaviour"
    assert vetting.reference == "AFI 3"


def test_importing_twice_changes_nothing(parsed, force):
    _import(parsed, force)
    before = list(Finding.objects.values_list("pk", "reference", "text"))
    inspection, plan = _import(parsed, force)
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": 10}
    assert list(Finding.objects.values_list("pk", "reference", "text")) == before
    assert Inspection.objects.count() == 1
    assert inspection.judgments.count() == 13


def test_a_corrected_report_shows_the_difference_and_keeps_actions(parsed, force):
    inspection, _ = _import(parsed, force)
    finding = inspection.findings.get(reference="AFI 3")
    action = ActionFactory(finding=finding)
    corrected = json.loads(json.dumps(parsed))
    for item in corrected["findings"]:
        if item["text"] == finding.text:
            item["text"] = item["text"].replace("lowest level", "minimum level")
    plan = plan_import(corrected, force=force)
    changed = [p for p in plan.findings if p.status == "changed"]
    assert len(changed) == 1
    assert changed[0].diff == ["- lowest", "+ minimum"]
    [change] = plan.changes
    assert (change.subject, change.field_label, change.default) == ("AFI 3", "Text", None)
    _import(corrected, force, decisions={change.key: "use"})
    finding.refresh_from_db()
    assert "minimum level" in finding.text
    assert finding.actions.get() == action
    assert Event.objects.filter(verb="finding.correct").exists()


def test_a_corrected_text_nobody_accepted_is_kept_as_held(parsed, force):
    inspection, _ = _import(parsed, force)
    finding = inspection.findings.get(reference="AFI 3")
    corrected = json.loads(json.dumps(parsed))
    for item in corrected["findings"]:
        if item["text"] == finding.text:
            item["text"] = item["text"].replace("lowest level", "minimum level")
    _import(corrected, force)
    finding.refresh_from_db()
    assert "lowest level" in finding.text
    assert not Event.objects.filter(verb="finding.correct").exists()
    assert Event.objects.filter(verb="inspection.import").first().data["kept"][0]["field"] == "Text"


def test_a_finding_missing_from_a_new_version_is_kept(parsed, force):
    _import(parsed, force)
    shorter = json.loads(json.dumps(parsed))
    dropped = shorter["findings"].pop()
    plan = plan_import(shorter, force=force)
    assert [f.text for f in plan.missing] == [dropped["text"]]
    _import(shorter, force)
    assert Finding.objects.filter(text=dropped["text"]).exists()


def test_unticked_findings_are_not_imported(parsed, force):
    inspection, _ = _import(parsed, force, selected={0, 1})
    assert inspection.findings.count() == 2


def test_an_import_without_a_programme_is_refused(parsed, force):
    broken = {**json.loads(json.dumps(parsed)), "programme": None}
    with pytest.raises(ValueError, match="programme"):
        apply_import(broken, force=force)
    assert not Inspection.objects.exists()


def test_the_command_prints_the_contract_json_and_writes_nothing():
    out = io.StringIO()
    call_command("import_report", str(REPORT), "--dry-run", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["force"] == "Avon and Somerset Constabulary"
    assert data["published"] == "2020-02"
    assert {j["grade"] for j in data["judgments"]} <= {
        "Outstanding",
        "Good",
        "Adequate",
        "Requires improvement",
        "Inadequate",
        "Ungraded",
    }
    first = data["findings"][0]
    assert set(first) >= {"kind", "section", "text", "timescale", "parent", "line"}
    assert not Inspection.objects.exists()


def test_the_command_imports_the_pdf():
    call_command("import_report", str(PDF), stdout=io.StringIO())
    inspection = Inspection.objects.get()
    assert inspection.force.name == "Avon and Somerset Constabulary"
    assert inspection.findings.filter(kind="area_for_improvement").count() == 6
    assert inspection.sources.get().format == "pdf"


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"Mix the flour and eggs, then bake.", "does not look like")],
)
def test_the_command_refuses_what_is_not_a_report(tmp_path, content, message):
    path = tmp_path / "thing.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_report", str(path), stdout=io.StringIO())
    assert not Inspection.objects.exists()


def test_a_coordinator_uploads_previews_unticks_and_confirms(client, coordinator, force):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(PDF.name, PDF.read_bytes(), content_type="application/pdf")
    response = client.post(reverse("inspections:import"), {"report": upload, "force": force.pk})
    assert response.status_code == 302
    preview = client.get(reverse("inspections:preview"))
    assert "Check what will be imported" in preview.text
    assert "Not imported" in preview.text  # skipped items, with reasons
    assert not Inspection.objects.exists()  # nothing written before confirming
    data = {
        "confirm": "1",
        "fingerprint": preview.context["plan"].fingerprint,
        "programme": "PEEL 2018/19",
        "published": "2020-02",
        "include-4": "1",
        "include-5": "1",
        "text-5": "Corrected text",
    }
    response = client.post(reverse("inspections:preview"), data)
    inspection = Inspection.objects.get()
    assert response.url == inspection.get_absolute_url()
    assert inspection.findings.count() == 2
    assert inspection.findings.filter(text="Corrected text").exists()
    assert inspection.sources.get().name == PDF.name


def test_an_unreadable_upload_gets_a_clear_message(client, coordinator, force):
    client.force_login(coordinator)
    bad = SimpleUploadedFile("report.pdf", b"%PDF-1.4 garbage", content_type="application/pdf")
    response = client.post(reverse("inspections:import"), {"report": bad, "force": force.pk})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not Inspection.objects.exists()


def test_cancelling_an_import_saves_nothing(client, coordinator, force):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(REPORT.name, REPORT.read_bytes())
    client.post(reverse("inspections:import"), {"report": upload, "force": force.pk})
    client.post(reverse("inspections:preview"), {"cancel": "1"})
    assert not Inspection.objects.exists()
    assert client.get(reverse("inspections:preview")).status_code == 302


def test_only_coordinators_import(client, owner, auditor):
    for user in (owner, auditor):
        client.force_login(user)
        assert client.get(reverse("inspections:import")).status_code == 403


def test_a_coordinator_cannot_import_into_another_force(client, coordinator, other_force):
    client.force_login(coordinator)
    upload = SimpleUploadedFile(REPORT.name, REPORT.read_bytes())
    response = client.post(
        reverse("inspections:import"), {"report": upload, "force": other_force.pk}
    )
    assert "Select a valid choice" in response.text


def _upload_without_programme(client, coordinator, force):
    text = REPORT.read_text().replace("PEEL 2018/19", "the 2018/19 inspection")
    text = text.replace("2018/19", "this year")
    client.force_login(coordinator)
    upload = SimpleUploadedFile("report.txt", text.encode())
    client.post(reverse("inspections:import"), {"report": upload, "force": force.pk})


def test_a_missing_programme_is_asked_for_and_nothing_typed_is_lost(client, coordinator, force):
    _upload_without_programme(client, coordinator, force)
    preview = client.get(reverse("inspections:preview"))
    assert preview.context["parsed"]["programme"] is None
    data = {"confirm": "1", "programme": "", "published": "2020-13", "include-2": "1"}
    data["fingerprint"] = preview.context["plan"].fingerprint
    data["text-2"] = "My corrected wording"
    page = client.post(reverse("inspections:preview"), data)
    assert page.status_code == 200
    assert "Enter the inspection programme" in page.text
    assert "Enter the month of publication as YYYY-MM" in page.text
    assert "My corrected wording" in page.text
    assert 'name="include-2" type="checkbox" value="1" checked' in page.text
    assert 'name="include-3" type="checkbox" value="1">' in page.text
    assert not Inspection.objects.exists()
    data.update(programme="PEEL 2018/19", published="2020-02")
    client.post(reverse("inspections:preview"), data)
    inspection = Inspection.objects.get()
    assert (inspection.programme, str(inspection.published)) == ("PEEL 2018/19", "2020-02-01")
    assert list(inspection.findings.values_list("text", flat=True)) == ["My corrected wording"]
