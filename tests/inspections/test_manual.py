"""Adding by hand: an inspection or other source, its documents, and findings to add, correct,
withdraw and reinstate, with the same audit trail as imports."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from audit.models import Event
from inspections.models import Finding, Inspection, StaleFinding
from inspections.services import finding_create, inspection_create
from tests.factories import ActionFactory, FindingFactory, InspectionFactory

pytestmark = pytest.mark.django_db


def _add_inspection(client, force, **fields):
    data = {
        "force": force.pk,
        "kind": "letter",
        "programme": "Letter: cause of concern 1",
        "title": "",
        "published_0": "14",
        "published_1": "3",
        "published_2": "2025",
        **fields,
    }
    return client.post(reverse("inspections:add"), data)


def test_a_coordinator_adds_a_letter_and_it_is_audited(client, coordinator, force):
    client.force_login(coordinator)
    response = _add_inspection(client, force)
    letter = Inspection.objects.get()
    assert response.url == letter.get_absolute_url()
    assert (letter.kind, letter.published) == ("letter", dt.date(2025, 3, 14))
    assert letter.response_due is None  # the 56 days are for the inspectorate's reports
    event = Event.objects.get(verb="inspection.create")
    assert (event.actor, event.force) == (coordinator, force)
    page = client.get(letter.get_absolute_url())
    assert "HMICFRS letter" in page.text and "PCC response due" not in page.text


@pytest.mark.parametrize(
    "kind", ["thematic", "internal_audit", "pcc_request", "iopc_learning", "peel", "other"]
)
def test_every_kind_of_source_can_be_added(coordinator, force, kind):
    inspection = inspection_create(force=force, by=coordinator, kind=kind, programme=kind)
    assert inspection.get_kind_display()


def test_a_name_the_force_already_has_is_refused_keeping_what_was_typed(client, coordinator, force):
    InspectionFactory(force=force, programme="Vetting audit 2025")
    client.force_login(coordinator)
    page = _add_inspection(client, force, programme="vetting audit 2025", title="My title")
    assert "already has “vetting audit 2025”" in page.text
    assert 'value="My title"' in page.text
    assert Inspection.objects.count() == 1


def test_a_coordinator_adds_a_finding_numbered_after_the_others(client, coordinator, inspection):
    FindingFactory(inspection=inspection, reference="AFI 6")
    client.force_login(coordinator)
    data = {
        "kind": "area_for_improvement",
        "text": "The force should audit stop and search.",
        "lead_in": "To improve legitimacy:",
        "theme": "stop and search",
    }
    response = client.post(reverse("inspections:finding_add", args=[inspection.pk]), data)
    finding = Finding.objects.get(reference="AFI 7")
    assert response.url == finding.get_absolute_url()
    assert (finding.origin, finding.lead_in) == ("by_hand", "To improve legitimacy:")
    event = Event.objects.get(verb="finding.create")
    assert event.changes["text"] == [None, "The force should audit stop and search."]
    page = client.get(finding.get_absolute_url())
    assert "To improve legitimacy:" in page.text and "Added by hand" in page.text
    assert finding in Finding.objects.awaiting_allocation()


def test_an_empty_finding_is_refused_with_a_message(client, coordinator, inspection):
    client.force_login(coordinator)
    page = client.post(
        reverse("inspections:finding_add", args=[inspection.pk]), {"kind": "", "text": ""}
    )
    assert "Enter the finding&#x27;s text" in page.text
    assert "Choose what kind of finding it is" in page.text
    assert not Finding.objects.exists()


def test_a_correction_is_audited_with_before_and_after(client, coordinator, finding):
    client.force_login(coordinator)
    url = reverse("inspections:finding_edit", args=[finding.pk])
    data = client.get(url).context["form"].initial
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(text="Corrected words.", timescale="within six months")
    assert client.post(url, data).status_code == 302
    finding.refresh_from_db()
    assert (finding.text, finding.version) == ("Corrected words.", 2)
    event = Event.objects.get(verb="finding.edit")
    assert event.changes["timescale"] == ["", "within six months"]


def test_a_stale_correction_is_refused_and_keeps_what_was_typed(client, coordinator, finding):
    client.force_login(coordinator)
    url = reverse("inspections:finding_edit", args=[finding.pk])
    data = {k: ("" if v is None else v) for k, v in client.get(url).context["form"].initial.items()}
    finding.edit(by=coordinator, changes={"section": "Somebody else's"})
    page = client.post(url, {**data, "text": "My careful wording"})
    assert "This finding was changed after you opened it" in page.text
    assert "My careful wording" in page.text
    finding.refresh_from_db()
    assert finding.text != "My careful wording"
    with pytest.raises(StaleFinding):
        finding.edit(by=coordinator, changes={"text": "x"}, expected_version=1)


def test_withdrawing_keeps_the_finding_and_its_actions(client, coordinator, finding, action):
    client.force_login(coordinator)
    url = reverse("inspections:finding_withdraw", args=[finding.pk])
    page = client.get(url)
    assert "It has 1 action, 1 still open" in page.text
    response = client.post(url, {"reason": "Superseded by PEEL 2023–25 AFI 4", "version": "1"})
    assert response.status_code == 302
    finding.refresh_from_db()
    assert finding.is_withdrawn and finding.actions.get() == action
    assert finding not in Finding.objects.awaiting_allocation()
    assert Event.objects.get(verb="finding.withdraw").note == "Superseded by PEEL 2023–25 AFI 4"
    detail = client.get(finding.get_absolute_url())
    assert "Withdrawn on" in detail.text and "Superseded by PEEL" in detail.text
    client.post(
        reverse("inspections:finding_reinstate", args=[finding.pk]),
        {"version": str(finding.version)},
    )
    finding.refresh_from_db()
    assert not finding.is_withdrawn
    assert Event.objects.filter(verb="finding.reinstate").exists()


def test_a_withdrawn_finding_leaves_the_list_to_allocate(client, coordinator, finding):
    other = FindingFactory(inspection=finding.inspection, reference="AFI 99")
    finding.withdraw(by=coordinator, reason="Added twice")
    client.force_login(coordinator)
    page = client.get(reverse("actions:unallocated"))
    assert other.get_absolute_url() in page.text
    assert finding.get_absolute_url() not in page.text


def test_withdrawing_needs_a_reason(client, coordinator, finding):
    client.force_login(coordinator)
    page = client.post(
        reverse("inspections:finding_withdraw", args=[finding.pk]), {"reason": " ", "version": "1"}
    )
    assert "Enter why the finding is withdrawn" in page.text
    finding.refresh_from_db()
    assert not finding.is_withdrawn


def test_a_document_is_kept_with_its_hash_and_downloaded_with_an_audit(
    client, coordinator, owner, inspection
):
    client.force_login(coordinator)
    letter = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 revisit letter")
    url = reverse("inspections:source_add", args=[inspection.pk])
    assert client.post(url, {"file": letter, "description": "Revisit letter"}).status_code == 302
    source = inspection.sources.get()
    assert (source.kind, source.description, source.size) == ("attached", "Revisit letter", 23)
    again = client.post(url, {"file": SimpleUploadedFile("copy.pdf", b"%PDF-1.4 revisit letter")})
    assert "already kept as “letter.pdf”" in again.text
    client.force_login(owner)
    download = client.get(source.get_absolute_url())
    assert b"".join(download.streaming_content) == b"%PDF-1.4 revisit letter"
    assert Event.objects.filter(verb="source.download", actor=owner).exists()


def test_a_document_whose_content_is_not_what_its_name_says_is_refused(
    client, coordinator, inspection
):
    client.force_login(coordinator)
    fake = SimpleUploadedFile("letter.pdf", b"MZ\x90\x00 a program")
    page = client.post(reverse("inspections:source_add", args=[inspection.pk]), {"file": fake})
    assert "its content is not a PDF file" in page.text
    assert not inspection.sources.exists()


def test_only_coordinators_change_and_other_forces_see_nothing(client, owner, outsider, finding):
    inspection = finding.inspection
    pages = [
        reverse("inspections:edit", args=[inspection.pk]),
        reverse("inspections:finding_add", args=[inspection.pk]),
        reverse("inspections:source_add", args=[inspection.pk]),
        reverse("inspections:finding_edit", args=[finding.pk]),
        reverse("inspections:finding_withdraw", args=[finding.pk]),
    ]
    client.force_login(owner)
    assert [client.get(url).status_code for url in pages] == [403] * 5
    assert client.get(reverse("inspections:add")).status_code == 403
    client.force_login(outsider)
    assert [client.get(url).status_code for url in pages] == [404] * 5
    with pytest.raises(PermissionDenied):
        finding_create(inspection=inspection, by=outsider, kind="other", text="x")


def test_a_coordinator_cannot_add_an_inspection_to_another_force(client, outsider, force):
    client.force_login(outsider)
    page = _add_inspection(client, force)
    assert "Select a valid choice" in page.text
    assert not Inspection.objects.exists()


def test_the_forms_need_the_csrf_token(coordinator, finding):
    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator)
    url = reverse("inspections:finding_withdraw", args=[finding.pk])
    assert client.post(url, {"reason": "x", "version": "1"}).status_code == 403


def test_a_finding_rule_refuses_a_judgment_of_another_inspection(coordinator, inspection):
    from tests.factories import JudgmentFactory

    elsewhere = JudgmentFactory(inspection=InspectionFactory(force=inspection.force))
    with pytest.raises(ValidationError) as refused:
        finding_create(
            inspection=inspection, by=coordinator, kind="other", text="x", judgment=elsewhere
        )
    assert "judgment" in refused.value.message_dict


def test_the_inspection_page_offers_the_manual_path_to_coordinators_only(
    client, coordinator, owner, inspection
):
    client.force_login(coordinator)
    page = client.get(inspection.get_absolute_url())
    assert reverse("inspections:finding_add", args=[inspection.pk]) in page.text
    listing = client.get(reverse("actions:inspections"))
    assert reverse("inspections:add") in listing.text and reverse("plans:upload") in listing.text
    client.force_login(owner)
    page = client.get(inspection.get_absolute_url())
    assert reverse("inspections:finding_add", args=[inspection.pk]) not in page.text


def test_withdrawing_a_finding_with_actions_never_deletes_anything(coordinator, finding):
    ActionFactory(finding=finding)
    finding.withdraw(by=coordinator, reason="Not for us")
    assert Finding.objects.filter(pk=finding.pk).exists()
    assert finding.actions.count() == 1


@pytest.mark.parametrize(
    "url",
    [
        "/inspections/new/",
        "/inspections/1/edit/",
        "/inspections/1/findings/new/",
        "/inspections/1/sources/new/",
        "/inspections/sources/1/",
        "/inspections/findings/1/edit/",
        "/inspections/findings/1/withdraw/",
        "/inspections/national/",
        "/inspections/national/import/",
        "/inspections/national/1/",
        "/action-plans/",
        "/action-plans/columns/",
        "/action-plans/check/",
        "/action-plans/template/",
        "/action-plans/1/",
    ],
)
def test_every_new_page_asks_who_you_are_first(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_date_more_than_a_year_ahead_is_refused(client, coordinator, force):
    client.force_login(coordinator)
    page = _add_inspection(client, force, published_2=str(dt.date.today().year + 3))
    assert "The date must not be more than a year from now" in page.text
    assert not Inspection.objects.exists()


def test_the_inspection_pages_show_the_date_published(client, coordinator, inspection):
    client.force_login(coordinator)
    adding = client.get(reverse("inspections:add")).text
    assert 'name="published_2"' in adding and 'name="force"' in adding
    editing = client.get(reverse("inspections:edit", args=[inspection.pk])).text
    assert 'name="published_2"' in editing and 'name="force"' not in editing
