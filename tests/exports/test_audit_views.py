import pytest
from django.urls import reverse

from audit.models import Event
from tests.factories import ActionFactory

pytestmark = pytest.mark.django_db


def test_an_auditor_reads_and_filters_the_audit_trail(client, auditor, owner, action, outsider):
    action.apply_update(by=owner, note="Kick-off held", transition="start")
    Event.record(outsider, "action.update", outsider, summary="Elsewhere")
    client.force_login(auditor)
    response = client.get(reverse("exports:audit"))
    assert response.status_code == 200
    assert "Start work" in response.text and "Elsewhere" not in response.text
    assert reverse("exports:export", args=["events", "csv"]) in response.text
    filtered = client.get(reverse("exports:audit") + "?kind=export.")
    assert "Start work" not in filtered.text
    assert "Audit trail" in response.text  # in the navigation


def test_an_owner_does_not_get_the_force_wide_audit_trail(client, owner, action):
    client.force_login(owner)
    assert client.get(reverse("exports:audit")).status_code == 403
    assert 'href="/audit/"' not in client.get(reverse("actions:home")).text


def test_list_pages_offer_the_downloads_with_their_filters(client, auditor, action, inspection):
    client.force_login(auditor)
    text = client.get(reverse("actions:list") + "?status=not_started").text
    assert reverse("exports:export", args=["actions", "csv"]) + "?status=not_started" in text
    assert reverse("exports:actions_pack") + "?status=not_started" in text
    detail = client.get(reverse("actions:inspection", args=[inspection.pk])).text
    assert reverse("exports:inspection_pack", args=[inspection.pk]) in detail
    assert reverse("exports:report", args=[inspection.pk]) in detail
    finding = client.get(reverse("actions:finding", args=[action.finding_id])).text
    assert reverse("exports:finding_pack", args=[action.finding_id]) in finding


def test_my_actions_downloads_are_mine_only(client, owner, action, teammate):
    ActionFactory(finding=action.finding, owner=teammate)
    client.force_login(owner)
    text = client.get(reverse("actions:home")).text
    assert f"&amp;owner={owner.pk}" in text


@pytest.mark.parametrize("rows", [5, 50])
def test_the_audit_trail_costs_the_same_queries_for_5_or_50_events(
    client, auditor, owner, action, rows, django_assert_max_num_queries
):
    for n in range(rows):
        action.apply_update(by=owner, note=f"Update {n}")
    client.force_login(auditor)
    # session, user, nav memberships, forces, roles, filter choices (owners,
    # inspections), count, page of events
    with django_assert_max_num_queries(10):
        assert client.get(reverse("exports:audit")).status_code == 200
