"""Every upload is checked before it is kept: archive bombs, PDFs with active content, and
viruses (a real clamd with the project's own test signature). Each way a file comes in is
covered: evidence (form and API), report import, national report, source document, plan."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from rest_framework.test import APIClient

from actions.models import Evidence
from audit.models import Event
from inspections.models import InspectionSource
from plans.models import PlanUpload
from ui.upload_safety import (
    ScanUnavailable,
    UnsafeUpload,
    _active_content_in_structure,
    check_upload,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[1]
REPORT_PDF = ROOT / "inspections" / "sample_data" / "avon-and-somerset-peel-2018-19.pdf"
# The EICAR test file: harmless, and detected by every scanner by agreement.
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
MB = 1024 * 1024


def _docx(document: bytes = b"<w:document/>", *, zeros: int = 0, members: int = 0) -> bytes:
    """A Word file's shape (enough for the check of type), with optional padding."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
        if zeros:
            with archive.open("word/media/padding.bin", "w") as member:
                for _ in range(zeros // MB):
                    member.write(bytes(MB))
        for n in range(members):
            archive.writestr(f"word/part{n}.xml", "<x/>")
    return out.getvalue()


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A .docx of about 200 KB that inflates to 201 MB of zeros."""
    return _docx(zeros=201 * MB)


def _xlsx() -> bytes:
    book = Workbook()
    book.active.append(["Reference", "Action"])
    book.active.append(["AP-1", "Clear the vetting backlog"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _pdf(*, javascript: str = "", open_action: dict | None = None) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    if javascript:  # a document-level script, in the catalogue's /Names tree
        script = writer._add_object(
            DictionaryObject(
                {
                    NameObject("/S"): NameObject("/JavaScript"),
                    NameObject("/JS"): TextStringObject(javascript),
                }
            )
        )
        tree = DictionaryObject(
            {NameObject("/Names"): ArrayObject([TextStringObject("a"), script])}
        )
        writer._root_object[NameObject("/Names")] = DictionaryObject(
            {NameObject("/JavaScript"): writer._add_object(tree)}
        )
    if open_action:
        writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
            {NameObject(k): v for k, v in open_action.items()}
        )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _refusal(name: str, data: bytes) -> UnsafeUpload | None:
    try:
        check_upload(SimpleUploadedFile(name, data))
    except UnsafeUpload as error:
        return error
    return None


# --- The checks ------------------------------------------------------------------------


def test_a_docx_that_inflates_to_200_mb_is_refused_without_extracting_it(zip_bomb):
    assert len(zip_bomb) < 2 * MB
    refusal = _refusal("policy.docx", zip_bomb)
    assert refusal.code == "archive_bomb" and refusal.dangerous
    assert "would expand to 201.0" in refusal.messages[0]


def test_a_docx_that_expands_too_many_times_is_refused(settings):
    refusal = _refusal("policy.docx", _docx(zeros=20 * MB))
    assert refusal.code == "archive_bomb"
    assert f"at most {settings.UPLOAD_ZIP_MAX_RATIO} times" in refusal.messages[0]


def test_an_archive_with_too_many_members_is_refused(settings):
    settings.UPLOAD_ZIP_MAX_MEMBERS = 50
    refusal = _refusal("policy.docx", _docx(members=60))
    assert refusal.code == "archive_bomb" and "62 files (at most 50)" in refusal.messages[0]


def test_ordinary_office_files_are_accepted():
    assert _refusal("policy.docx", _docx(b"<w:document>" + b"text " * 20_000 + b"</w>")) is None
    assert _refusal("plan.xlsx", _xlsx()) is None


@pytest.mark.parametrize(
    ("pdf", "found"),
    [
        (lambda: _pdf(javascript="app.alert('hi');"), "JavaScript"),
        (
            lambda: _pdf(
                open_action={"/S": NameObject("/JavaScript"), "/JS": TextStringObject("x")}
            ),
            "JavaScript",
        ),
        (
            lambda: _pdf(open_action={"/S": NameObject("/Launch"), "/F": TextStringObject("calc")}),
            "an action that starts a program",
        ),
        # A name may spell its letters as #xx: still JavaScript.
        (lambda: b"%PDF-1.4\n1 0 obj<</S/J#61vaScript/JS(x)>>endobj\n%%EOF\n", "JavaScript"),
        (lambda: b"%PDF-1.4\n1 0 obj<</Type/EmbeddedFile>>stream\nMZ\nendstream\n", "embedded"),
    ],
)
def test_a_pdf_with_active_content_is_refused(pdf, found):
    refusal = _refusal("report.pdf", pdf())
    assert refusal.code == "pdf_active_content"
    assert found in refusal.messages[0]


def test_the_structure_is_read_as_well_as_the_bytes():
    # pypdf finds JavaScript through the catalogue, where an object stream would hide it
    # from a byte scan; a PDF that opens at a page is not active content.
    assert _active_content_in_structure(io.BytesIO(_pdf(javascript="x"))) == "JavaScript"
    assert _active_content_in_structure(io.BytesIO(_pdf())) is None


def test_ordinary_pdfs_are_accepted():
    assert _refusal("report.pdf", REPORT_PDF.read_bytes()) is None
    assert _refusal("blank.pdf", _pdf()) is None
    assert _refusal("letter.pdf", b"%PDF-1.4 not really a document") is None


def test_a_virus_is_refused_by_clamd(clamav):
    refusal = _refusal("notes.txt", b"Meeting notes\n" + EICAR + b"\n")
    assert refusal.code == "infected" and refusal.dangerous
    assert "PEELtrack.Test.EICAR" in refusal.messages[0]
    assert _refusal("notes.txt", b"Meeting notes: nothing to see.\n") is None
    assert _refusal("report.pdf", REPORT_PDF.read_bytes()) is None


def test_an_unreachable_scanner_refuses_the_upload_and_says_try_again(settings, tmp_path, caplog):
    settings.CLAMAV_ENABLED = True
    settings.CLAMD_SOCKET = str(tmp_path / "no-clamd-here.sock")
    with pytest.raises(ScanUnavailable) as caught:
        check_upload(SimpleUploadedFile("notes.txt", b"Meeting notes"))
    assert "could not be checked for viruses just now" in caught.value.messages[0]
    assert "Try again later" in caught.value.messages[0]
    assert not caught.value.dangerous
    assert "clamd could not scan an upload" in caplog.text


def test_scanning_over_tcp_is_chosen_by_clamd_host(settings):
    settings.CLAMAV_ENABLED = True
    settings.CLAMD_HOST, settings.CLAMD_PORT = "127.0.0.1", 9  # nothing listens there
    with pytest.raises(ScanUnavailable):
        check_upload(SimpleUploadedFile("notes.txt", b"Meeting notes"))


# --- Every way a file comes in ---------------------------------------------------------


def _refused_event(force_id, reason):
    event = Event.objects.get(verb="upload.refused")
    assert event.force_id == force_id
    assert event.data["reason"] == reason
    return event


def _evidence(client, action, upload):
    data = {
        "description": "Vetting policy",
        "effective_date_0": "1",
        "effective_date_1": "6",
        "effective_date_2": "2020",
        "marking": "OFFICIAL",
        "file": upload,
    }
    return client.post(reverse("actions:evidence_add", args=[action.pk]), data)


def test_evidence_form_refuses_a_zip_bomb_stores_nothing_and_records_it(
    client, owner, action, zip_bomb
):
    client.force_login(owner)
    page = _evidence(client, action, SimpleUploadedFile("policy.docx", zip_bomb))
    assert page.status_code == 400  # a refused form (ui.forms.form_status)
    assert "would expand to 201.0" in page.text
    assert not Evidence.objects.exists()
    event = _refused_event(action.force_id, "archive_bomb")
    assert (event.actor, event.data["where"], event.data["name"]) == (
        owner,
        "evidence",
        "policy.docx",
    )
    assert event.action_id is None  # a security event, not a line of the action's history


def test_evidence_form_accepts_an_ordinary_docx(client, owner, action):
    client.force_login(owner)
    assert _evidence(client, action, SimpleUploadedFile("p.docx", _docx())).status_code == 302
    assert Evidence.objects.count() == 1
    assert not Event.objects.filter(verb="upload.refused").exists()


def test_evidence_form_refuses_a_virus(client, owner, action, clamav):
    client.force_login(owner)
    page = _evidence(client, action, SimpleUploadedFile("notes.txt", EICAR))
    assert "the virus scanner found PEELtrack.Test.EICAR" in page.text
    assert not Evidence.objects.exists()
    _refused_event(action.force_id, "infected")


def test_evidence_form_says_try_again_when_the_scanner_is_down(
    client, owner, action, settings, tmp_path
):
    settings.CLAMAV_ENABLED, settings.CLAMD_SOCKET = True, str(tmp_path / "none.sock")
    client.force_login(owner)
    page = _evidence(client, action, SimpleUploadedFile("notes.txt", b"Notes"))
    assert page.status_code == 400
    assert "could not be checked for viruses just now" in page.text
    assert not Evidence.objects.exists()
    assert not Event.objects.filter(verb="upload.refused").exists()  # not an attack


def _api_upload(user, action, name, content):
    api = APIClient()
    api.force_login(user)
    data = {
        "file": SimpleUploadedFile(name, content),
        "description": "Vetting audit",
        "effective_date": "2020-06-01",
    }
    return api.post(f"/api/v1/actions/{action.pk}/evidence/", data, format="multipart")


def test_api_refuses_a_pdf_with_javascript_with_400(owner, action):
    response = _api_upload(owner, action, "audit.pdf", _pdf(javascript="app.alert(1)"))
    assert response.status_code == 400
    assert "contains JavaScript" in response.json()["errors"]["file"][0]
    assert not Evidence.objects.exists()
    _refused_event(action.force_id, "pdf_active_content")


def test_api_accepts_a_clean_pdf_that_clamd_has_scanned(owner, action, clamav):
    response = _api_upload(owner, action, "audit.pdf", REPORT_PDF.read_bytes())
    assert response.status_code == 201


def test_api_refuses_a_virus(owner, action, clamav):
    response = _api_upload(owner, action, "notes.txt", EICAR)
    assert response.status_code == 400
    assert "PEELtrack.Test.EICAR" in response.json()["detail"]
    _refused_event(action.force_id, "infected")


def test_api_answers_503_not_500_when_the_scanner_is_down(owner, action, settings, tmp_path):
    settings.CLAMAV_ENABLED, settings.CLAMD_SOCKET = True, str(tmp_path / "none.sock")
    response = _api_upload(owner, action, "audit.pdf", _pdf())
    assert response.status_code == 503
    assert response.json()["code"] == "unavailable"
    assert "could not be checked for viruses" in response.json()["detail"]
    assert not Evidence.objects.exists()


def test_report_import_refuses_a_pdf_with_javascript(client, coordinator, force, tmp_path):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("report.pdf", _pdf(javascript="app.alert(1)"))
    page = client.post(reverse("inspections:import"), {"report": upload, "force": force.pk})
    assert page.status_code == 200
    assert "contains JavaScript" in page.text
    assert "pending_import" not in client.session  # nothing pending
    assert not list((tmp_path / "files").rglob("*"))  # nothing stored
    _refused_event(force.pk, "pdf_active_content")


def test_report_import_refuses_a_virus(client, coordinator, force, clamav):
    client.force_login(coordinator)
    upload = SimpleUploadedFile("report.txt", b"PEEL report\n" + EICAR)
    page = client.post(reverse("inspections:import"), {"report": upload, "force": force.pk})
    assert "PEELtrack.Test.EICAR" in page.text
    _refused_event(force.pk, "infected")


def test_national_report_import_refuses_a_pdf_with_a_launch_action(client, settings):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    pdf = _pdf(open_action={"/S": NameObject("/Launch"), "/F": TextStringObject("calc")})
    page = client.post(
        reverse("inspections:national_import"), {"report": SimpleUploadedFile("n.pdf", pdf)}
    )
    assert "an action that starts a program" in page.text
    _refused_event(None, "pdf_active_content")


def test_a_source_document_that_is_a_zip_bomb_is_refused(client, coordinator, inspection, zip_bomb):
    client.force_login(coordinator)
    url = reverse("inspections:source_add", args=[inspection.pk])
    page = client.post(url, {"file": SimpleUploadedFile("letter.docx", zip_bomb)})
    assert "would expand to 201.0" in page.text
    assert not InspectionSource.objects.exists()
    assert _refused_event(inspection.force_id, "archive_bomb").data["inspection"] == inspection.pk


def test_a_source_document_with_a_virus_is_refused(client, coordinator, inspection, clamav):
    client.force_login(coordinator)
    url = reverse("inspections:source_add", args=[inspection.pk])
    page = client.post(url, {"file": SimpleUploadedFile("letter.txt", EICAR)})
    assert "PEELtrack.Test.EICAR" in page.text
    assert not InspectionSource.objects.exists()


def _plan(client, force, name, data):
    payload = {"plan": SimpleUploadedFile(name, data), "force": force.pk, "inspection": ""}
    return client.post(reverse("plans:upload"), payload)


def test_a_plan_workbook_that_is_a_zip_bomb_is_refused_before_it_is_read(
    client, coordinator, force, settings
):
    settings.UPLOAD_ZIP_MAX_BYTES = 10 * MB  # a smaller bomb, the same refusal
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", bytes(11 * MB))
    client.force_login(coordinator)
    page = _plan(client, force, "plan.xlsx", out.getvalue())
    assert page.status_code == 200
    assert "would expand to 11.0" in page.text
    assert "pending_plan" not in client.session
    _refused_event(force.pk, "archive_bomb")


def test_an_ordinary_plan_workbook_is_accepted_after_scanning(client, coordinator, force, clamav):
    client.force_login(coordinator)
    assert _plan(client, force, "plan.xlsx", _xlsx()).url == reverse("plans:mapping")


def test_a_plan_with_a_virus_is_refused(client, coordinator, force, clamav):
    client.force_login(coordinator)
    page = _plan(client, force, "plan.csv", b"Reference,Action\n" + EICAR + b",x\n")
    assert "PEELtrack.Test.EICAR" in page.text
    assert not PlanUpload.objects.exists()
    _refused_event(force.pk, "infected")
