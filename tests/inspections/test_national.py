"""National recommendations: imported once, a finding to allocate in every force, each with
its own status, and no force seeing another's."""

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import Event
from inspections.models import Finding, Inspection, NationalReport
from inspections.national import (
    distribute,
    national_correct,
    national_recommendation_add,
    national_report_create,
)
from tests.factories import ActionFactory, ForceFactory, UserFactory
from tests.inspections.importer_helpers import REPORT_TXT

pytestmark = pytest.mark.django_db

TEXT = "By 31 March 2023, chief constables should make sure their vetting units have capacity."


@pytest.fixture
def national(db):
    """A national account: no force, the permission to import for every force."""
    user = UserFactory(username="hmicfrs-liaison")
    user.user_permissions.add(Permission.objects.get(codename="import_national"))
    return user


@pytest.fixture
def report(national, force, other_force):
    report = national_report_create(
        by=national,
        title="An inspection of vetting, misconduct and misogyny in the police service",
        programme="Vetting and misconduct 2022",
    )
    national_recommendation_add(report=report, by=national, text=TEXT)
    return report


def test_each_force_gets_its_own_finding_to_allocate(report, force, other_force):
    copies = Finding.objects.filter(national_recommendation__report=report)
    assert sorted(c.inspection.force.name for c in copies) == sorted([force.name, other_force.name])
    ours = copies.get(inspection__force=force)
    assert (ours.kind, ours.origin, ours.reference, ours.text) == (
        "national_recommendation",
        "national",
        "Rec 1",
        TEXT,
    )
    assert (ours.inspection.kind, ours.inspection.programme) == ("thematic", report.programme)
    assert ours in Finding.objects.awaiting_allocation()


def test_each_force_has_its_own_status(report, force, other_force, coordinator, owner):
    ours = Finding.objects.get(national_recommendation__report=report, inspection__force=force)
    action = ActionFactory(finding=ours, owner=owner)
    action.apply_update(by=owner, note="Started", transition="start")
    ours.refresh_from_db()
    theirs = Finding.objects.get(
        national_recommendation__report=report, inspection__force=other_force
    )
    assert (ours.force_progress, theirs.force_progress) == ("in_progress", "open")
    ours.withdraw(by=coordinator, reason="Not applicable to us")
    theirs.refresh_from_db()
    assert not theirs.is_withdrawn


def test_no_force_sees_anothers_copy(client, report, force, coordinator, outsider):
    ours = Finding.objects.get(national_recommendation__report=report, inspection__force=force)
    ActionFactory(finding=ours, title="Our vetting capacity review")
    client.force_login(outsider)
    assert client.get(ours.get_absolute_url()).status_code == 404
    assert client.get(ours.inspection.get_absolute_url()).status_code == 404
    listing = client.get(reverse("actions:inspections"))
    assert listing.text.count(report.programme) == 1  # their own copy only
    assert "Our vetting capacity review" not in client.get(reverse("actions:list")).text
    for name in ("inspections:national_list", "inspections:national_import"):
        assert client.get(reverse(name)).status_code == 403
    assert client.get(report.get_absolute_url()).status_code == 403
    client.force_login(coordinator)
    page = client.get(ours.get_absolute_url())
    assert (
        "National recommendation" in page.text and "addressed to all chief constables" in page.text
    )


def test_a_force_added_later_receives_every_national_report(report):
    late = ForceFactory(name="Gwent Police", slug="gwent")
    copy = Inspection.objects.get(force=late, national_report=report)
    assert copy.findings.get().text == TEXT


def test_distributing_again_adds_nothing(report, national):
    before = Finding.objects.count()
    assert distribute(report, by=national) == 0
    assert Finding.objects.count() == before


def test_a_correction_reaches_every_forces_copy_and_is_audited(report, national):
    recommendation = report.recommendations.get()
    assert national_correct(recommendation, by=national, text=TEXT + " and training.") == 2
    assert set(Finding.objects.values_list("text", flat=True)) == {TEXT + " and training."}
    assert Event.objects.filter(verb="finding.correct").count() == 2


def test_only_a_national_account_imports(coordinator, force):
    with pytest.raises(PermissionDenied):
        national_report_create(by=coordinator, title="T", programme="P")
    assert not NationalReport.objects.exists()


def test_a_national_account_adds_a_report_and_recommendation_by_hand(client, national, force):
    client.force_login(national)
    data = {
        "title": "Counter-corruption",
        "programme": "Counter-corruption 2024",
        "addressed_to": "All chief constables",
        "published_0": "",
        "published_1": "",
        "published_2": "",
    }
    response = client.post(reverse("inspections:national_create"), data)
    report = NationalReport.objects.get()
    assert response.url == report.get_absolute_url()
    add = reverse("inspections:national_add", args=[report.pk])
    client.post(add, {"text": "Chief constables should vet every officer again.", "theme": ""})
    page = client.get(report.get_absolute_url())
    assert "Chief constables should vet every officer again." in page.text
    assert force.name in page.text  # how each force stands, for the national account


def test_importing_the_report_offers_its_recommendations_once(client, national, force, other_force):
    client.force_login(national)
    upload = SimpleUploadedFile(REPORT_TXT.name, REPORT_TXT.read_bytes())
    client.post(reverse("inspections:national_import"), {"report": upload})
    preview = client.get(reverse("inspections:national_preview"))
    rows = preview.context["rows"]
    offered = [row["index"] for row in rows if row["include"]]
    assert [rows[i]["item"]["kind"] for i in offered] == ["recommendation"]
    data = {
        "confirm": "1",
        "title": "A thematic",
        "programme": "Thematic 2020",
        "addressed_to": "All chief constables",
        "published_0": "",
        "published_1": "",
        "published_2": "",
        **{f"include-{i}": "1" for i in offered},
    }
    response = client.post(reverse("inspections:national_preview"), data)
    report = NationalReport.objects.get()
    assert response.url == report.get_absolute_url()
    assert report.sources.get().name == REPORT_TXT.name
    assert Finding.objects.filter(national_recommendation__report=report).count() == 2
    copy = Inspection.objects.get(force=force, national_report=report)
    assert copy.sources.get().sha256 == report.sources.get().sha256
    # The same report again: its recommendation is held, nothing is added.
    upload = SimpleUploadedFile(REPORT_TXT.name, REPORT_TXT.read_bytes())
    client.post(reverse("inspections:national_import"), {"report": upload})
    again = client.post(reverse("inspections:national_preview"), data)
    assert again.status_code == 302
    assert report.recommendations.count() == 1
    assert Finding.objects.filter(national_recommendation__report=report).count() == 2
