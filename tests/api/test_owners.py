"""Who may own an action through the API: an active member of its force. Anyone else is
refused exactly like an id that belongs to nobody, so the API tells no one which user ids
exist in other forces."""

import datetime as dt

import pytest
from django.utils import timezone

from actions.api.serializers import NOT_A_MEMBER
from actions.models import Action
from tests.factories import FindingFactory, ForceFactory, InspectionFactory, MembershipFactory

pytestmark = pytest.mark.django_db

NOBODY = 987654


def _due():
    return (timezone.localdate() + dt.timedelta(days=90)).isoformat()


def _edit(client, action, owner):
    return client.patch(
        f"/api/v1/actions/{action.pk}/",
        {"owner": owner, "version": action.version},
        format="json",
    )


def _raise(client, finding, owner):
    body = {"finding": finding.pk, "title": "Audit", "owner": owner, "due_date": _due()}
    return client.post("/api/v1/actions/", body, format="json")


def test_an_owner_from_another_force_is_refused_like_an_unknown_id_on_edit(
    api, coordinator, action, outsider
):
    client = api(coordinator)
    elsewhere, unknown = _edit(client, action, outsider.pk), _edit(client, action, NOBODY)
    assert elsewhere.status_code == unknown.status_code == 400
    assert elsewhere.json() == unknown.json()
    assert elsewhere.json()["errors"] == {"owner": [NOT_A_MEMBER]}
    assert Action.objects.get(pk=action.pk).owner_id != outsider.pk


def test_an_owner_from_another_force_is_refused_like_an_unknown_id_on_raising(
    api, coordinator, finding, outsider
):
    client = api(coordinator)
    elsewhere, unknown = _raise(client, finding, outsider.pk), _raise(client, finding, NOBODY)
    assert elsewhere.status_code == unknown.status_code == 400
    assert elsewhere.json() == unknown.json()
    assert elsewhere.json()["errors"] == {"owner": [NOT_A_MEMBER]}
    assert not Action.objects.exists()


def test_an_inactive_member_is_refused_like_an_unknown_id(api, coordinator, action, teammate):
    teammate.is_active = False
    teammate.save()
    client = api(coordinator)
    assert _edit(client, action, teammate.pk).json() == _edit(client, action, NOBODY).json()


def test_a_coordinator_of_two_forces_picks_owners_from_the_findings_own_force(
    api, coordinator, finding, teammate
):
    """Someone in the coordinator's other force may own that force's actions, not this one's."""
    second = ForceFactory(name="Essex Police")
    MembershipFactory(user=coordinator, force=second, role="coordinator")
    stranger = MembershipFactory(force=second, role="owner").user
    client = api(coordinator)
    response = _raise(client, finding, stranger.pk)
    assert response.status_code == 400
    assert response.json()["errors"] == {"owner": [NOT_A_MEMBER]}
    theirs = FindingFactory(inspection=InspectionFactory(force=second))
    assert _raise(client, theirs, stranger.pk).status_code == 201
    assert _raise(client, finding, teammate.pk).status_code == 201


def test_an_action_is_reallocated_to_a_member_of_its_force(api, coordinator, action, teammate):
    response = _edit(api(coordinator), action, teammate.pk)
    assert response.status_code == 200
    assert Action.objects.get(pk=action.pk).owner == teammate
