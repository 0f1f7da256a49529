"""Optimistic concurrency: a change carries the version it was based on; a stale one is
refused with 409 (version field) or 412 (If-Match), saying what changed meanwhile."""

import pytest

from actions.models import Action, Update
from audit.models import Event

pytestmark = pytest.mark.django_db


def _patch(client, action, body, **headers):
    return client.patch(f"/api/v1/actions/{action.pk}/", body, format="json", headers=headers)


def test_reading_an_action_gives_its_version_as_an_etag(api, owner, action):
    response = api(owner).get(f"/api/v1/actions/{action.pk}/")
    assert response["ETag"] == '"1"'
    assert response.json()["version"] == 1


def test_an_edit_must_say_which_version_it_changes(api, coordinator, action):
    response = _patch(api(coordinator), action, {"team": "Vetting"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["version"]
    assert Action.objects.get(pk=action.pk).team == ""


def test_a_stale_edit_is_refused_with_what_changed(api, coordinator, owner, action):
    action.apply_update(by=owner, note="Kick-off held", transition="start")  # now version 2
    response = _patch(api(coordinator), action, {"team": "Vetting", "version": 1})
    assert response.status_code == 409
    body = response.json()
    assert (body["code"], body["your_version"], body["current_version"]) == ("conflict", 1, 2)
    assert body["detail"].startswith(
        "This action was changed after version 1; it is now version 2."
    )
    [change] = body["changes_since"]
    assert (change["summary"], change["changes"]["status"]) == (
        "Start work",
        ["not_started", "in_progress"],
    )
    assert change["by"] == owner.get_full_name()
    assert body["current"]["status"] == "in_progress"
    assert Action.objects.get(pk=action.pk).team == ""
    assert not Event.objects.filter(verb="action.edit").exists()


def test_a_stale_if_match_answers_412(api, coordinator, owner, action):
    action.apply_update(by=owner, note="Progress", progress=10)
    response = _patch(api(coordinator), action, {"team": "Vetting"}, **{"If-Match": '"1"'})
    assert response.status_code == 412
    assert response.json()["code"] == "precondition_failed"
    assert response.json()["current_version"] == 2


def test_a_current_if_match_goes_through_and_gives_the_new_etag(api, coordinator, action):
    response = _patch(api(coordinator), action, {"team": "Vetting"}, **{"If-Match": '"1"'})
    assert response.status_code == 200
    assert response["ETag"] == '"2"'


def test_a_version_from_the_future_is_refused(api, coordinator, action):
    response = _patch(api(coordinator), action, {"team": "Vetting", "version": 7})
    assert response.status_code == 409
    assert response.json()["changes_since"] == []
    assert response.json()["detail"] == (
        "There is no version 7 of this action yet: it is version 1."
    )


def test_a_malformed_if_match_is_a_bad_request(api, coordinator, action):
    response = _patch(api(coordinator), action, {"team": "V"}, **{"If-Match": "yesterday"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["If-Match"]


def test_a_stale_move_changes_nothing(api, owner, coordinator, action):
    action.apply_update(by=coordinator, note="Reallocated budget", progress=5)
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/start/", {"note": "Go", "version": 1}, format="json"
    )
    assert response.status_code == 409
    assert Action.objects.get(pk=action.pk).status == "not_started"
    assert Update.objects.count() == 1
    assert not Event.objects.filter(verb="action.start").exists()


def test_a_move_without_a_version_applies_to_the_current_one(api, owner, coordinator, action):
    action.apply_update(by=coordinator, note="Reallocated budget", progress=5)
    response = api(owner).post(f"/api/v1/actions/{action.pk}/start/", {"note": "Go"})
    assert (response.status_code, response.json()["version"]) == (200, 3)


def test_a_stale_progress_update_is_refused(api, owner, coordinator, action):
    action.apply_update(by=coordinator, note="Budget", progress=5)
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/updates/",
        {"note": "Two recruited", "progress": 40},
        format="json",
        headers={"If-Match": '"1"'},
    )
    assert response.status_code == 412
    assert Action.objects.get(pk=action.pk).progress == 5
