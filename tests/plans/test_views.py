"""The action-plan pages: upload, columns, check, confirm; the template; who may."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action
from audit.models import Event
from plans.models import PlanMapping, PlanUpload
from tests.plans.helpers import csv_bytes, xlsx

pytestmark = pytest.mark.django_db


def _row(ref="AP-1", action="Clear the vetting backlog", due=dt.date(2026, 3, 31)):
    return [ref, "AFI 1", "", action, "oowen", due, "In progress", "Amber", "Started"]


def _upload(client, force, data, name="plan.xlsx", inspection=None):
    upload = SimpleUploadedFile(name, data)
    payload = {"plan": upload, "force": force.pk, "inspection": inspection.pk if inspection else ""}
    return client.post(reverse("plans:upload"), payload)


def _columns(client):
    form = client.get(reverse("plans:mapping")).context["form"]
    return {name: form[name].value() or "" for name in form.fields}


def test_a_coordinator_uploads_maps_checks_and_imports(
    client, coordinator, force, peel, vetting, olivia
):
    client.force_login(coordinator)
    assert _upload(client, force, xlsx([_row()]), inspection=peel).url == reverse("plans:mapping")
    columns = _columns(client)
    assert columns["title"] == "3" and columns["due_date"] == "5"
    assert client.post(reverse("plans:mapping"), columns).url == reverse("plans:preview")
    preview = client.get(reverse("plans:preview"))
    assert "Check the action plan" in preview.text
    assert not Action.objects.exists()  # nothing written before confirming
    fingerprint = preview.context["plan"].fingerprint
    response = client.post(reverse("plans:preview"), {"confirm": "1", "fingerprint": fingerprint})
    upload = PlanUpload.objects.get()
    assert response.url == upload.get_absolute_url()
    assert Action.objects.get().owner == olivia
    page = client.get(upload.get_absolute_url())
    assert "1 new, 0 updated" in page.text
    action_page = client.get(Action.objects.get().get_absolute_url())
    assert "Imported" in action_page.text and "plan.xlsx" in action_page.text


def test_the_next_upload_starts_from_the_forces_remembered_columns(
    client, coordinator, force, peel, vetting
):
    PlanMapping.objects.create(force=force, columns={"title": "Job", "due_date": "When"})
    client.force_login(coordinator)
    data = csv_bytes([["AFI 1", "Do it", "01/04/2026"]], headings=["AFI", "Job", "When"])
    _upload(client, force, data, name="plan.csv", inspection=peel)
    columns = _columns(client)
    assert (columns["title"], columns["due_date"], columns["finding_reference"]) == ("1", "2", "0")


def test_a_mapping_without_the_action_or_finding_is_refused_keeping_choices(
    client, coordinator, force, peel
):
    client.force_login(coordinator)
    _upload(client, force, xlsx([_row()]), inspection=peel)
    columns = {**_columns(client), "title": "", "finding_reference": "", "finding_text": ""}
    page = client.post(reverse("plans:mapping"), columns)
    assert page.status_code == 200
    assert "Choose the column that holds the action" in page.text
    assert "the finding&#x27;s reference or the finding&#x27;s text" in page.text
    assert page.context["form"]["owner"].value() == "4"
    twice = client.post(reverse("plans:mapping"), {**_columns(client), "team": "4"})
    assert "This column is already chosen for Owner" in twice.text
    assert client.session["pending_plan"].get("mapping") is None


def test_errors_are_shown_per_row_and_the_rest_imports(client, coordinator, force, peel, vetting):
    client.force_login(coordinator)
    _upload(client, force, xlsx([_row(), _row(ref="AP-2", due="soon")]), inspection=peel)
    client.post(reverse("plans:mapping"), _columns(client))
    preview = client.get(reverse("plans:preview"))
    assert "Due date “soon” is not a date" in preview.text
    assert "Left out" in preview.text
    client.post(
        reverse("plans:preview"),
        {"confirm": "1", "fingerprint": preview.context["plan"].fingerprint},
    )
    assert Action.objects.count() == 1


def test_a_stale_preview_imports_nothing_and_says_so(client, coordinator, force, peel, vetting):
    client.force_login(coordinator)
    _upload(client, force, xlsx([_row()]), inspection=peel)
    client.post(reverse("plans:mapping"), _columns(client))
    page = client.post(reverse("plans:preview"), {"confirm": "1", "fingerprint": "old"})
    assert page.status_code == 200
    assert "changed while you were checking" in page.text
    assert not Action.objects.exists()


def test_an_unreadable_file_is_refused_on_the_upload_page(client, coordinator, force):
    client.force_login(coordinator)
    page = _upload(client, force, b"%PDF-1.4", name="plan.pdf")
    assert page.status_code == 200
    assert "not accepted" in page.text


def test_cancelling_saves_nothing(client, coordinator, force, peel, vetting):
    client.force_login(coordinator)
    _upload(client, force, xlsx([_row()]), inspection=peel)
    client.post(reverse("plans:mapping"), _columns(client))
    client.post(reverse("plans:preview"), {"cancel": "1"})
    assert not Action.objects.exists() and not PlanUpload.objects.exists()
    assert client.get(reverse("plans:preview")).url == reverse("plans:upload")


def test_the_template_downloads_and_imports_as_it_is(
    client, coordinator, force, peel, vetting, olivia
):
    client.force_login(coordinator)
    response = client.get(reverse("plans:template"))
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Action plan", "How to fill it in"]
    sheet = workbook["Action plan"]
    assert [c.value for c in sheet[1]][:4] == [
        "Row reference",
        "Inspection",
        "Finding reference",
        "Finding text",
    ]
    _upload(client, force, response.content, name="template.xlsx")
    preview_columns = _columns(client)
    client.post(reverse("plans:mapping"), preview_columns)
    preview = client.get(reverse("plans:preview"))
    assert preview.context["counts"]["error"] == 1  # the example names "PEEL 2023–25"
    csv_template = client.get(reverse("plans:template"), {"format": "csv"})
    assert csv_template.content.decode("utf-8-sig").startswith("Row reference,Inspection")


def test_only_coordinators_reach_the_pages(client, owner, auditor):
    for user in (owner, auditor):
        client.force_login(user)
        for name in ("plans:upload", "plans:template"):
            assert client.get(reverse(name)).status_code == 403


def test_another_forces_upload_is_not_found(client, coordinator, outsider, force, peel, vetting):
    client.force_login(coordinator)
    _upload(client, force, xlsx([_row()]), inspection=peel)
    client.post(reverse("plans:mapping"), _columns(client))
    fingerprint = client.get(reverse("plans:preview")).context["plan"].fingerprint
    client.post(reverse("plans:preview"), {"confirm": "1", "fingerprint": fingerprint})
    upload = PlanUpload.objects.get()
    client.force_login(outsider)
    assert client.get(upload.get_absolute_url()).status_code == 404
    assert client.get(reverse("plans:file", args=[upload.pk])).status_code == 404
    client.force_login(coordinator)
    assert client.get(reverse("plans:file", args=[upload.pk])).status_code == 200
    assert Event.objects.filter(verb="plan.download").exists()


def test_a_coordinator_cannot_upload_into_another_force(client, outsider, force, peel):
    client.force_login(outsider)
    page = _upload(client, force, xlsx([_row()]), inspection=peel)
    assert "Select a valid choice" in page.text


def test_the_forms_need_the_csrf_token(coordinator, force):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    page = client.post(reverse("plans:upload"), {"force": force.pk})
    assert page.status_code == 403


@pytest.mark.parametrize("rows", [5, 50])
def test_the_check_page_costs_the_same_queries_for_5_or_50_rows(
    client, coordinator, force, peel, vetting, olivia, rows, django_assert_max_num_queries
):
    client.force_login(coordinator)
    _upload(client, force, xlsx([_row(ref=f"AP-{n}") for n in range(rows)]), inspection=peel)
    client.post(reverse("plans:mapping"), _columns(client))
    # session, user, the user's forces, roles, the force, the chosen inspection, the force's
    # inspections, its people, the inspection's findings, rows held from earlier uploads,
    # memberships (nav), unread notices
    with django_assert_max_num_queries(12):
        assert client.get(reverse("plans:preview")).status_code == 200


def test_an_upload_whose_file_has_gone_starts_again(client, coordinator, force, peel):
    from django.core.files.storage import default_storage

    client.force_login(coordinator)
    _upload(client, force, xlsx([_row()]), inspection=peel)
    default_storage.delete(client.session["pending_plan"]["path"])
    response = client.get(reverse("plans:mapping"))
    assert response.url == reverse("plans:upload")
