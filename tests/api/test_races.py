"""Races answer 409 with a clear message, never 500: changes sent without a version, two
extension requests at once, an extension decided twice.

The thread tests run on PostgreSQL only (SQLite takes one writer at a time, so the race
cannot happen there); the others simulate the loser's moment on both databases.
"""

import threading

import pytest
from django.db import IntegrityError, connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Update
from governance.models import ExtensionRequest
from governance.services import ExtensionConflict, extension_decide, extension_request
from tests.api.conftest import set_status
from tests.factories import ExtensionRequestFactory

pytestmark = pytest.mark.django_db

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers (PostgreSQL)"
)


def _later(action, days=30):
    return action.due_date + timezone.timedelta(days=days)


def _someone_else_changes_it_first(monkeypatch, action, by):
    """Another change lands between the view's reading the action and its writing."""
    original = Action.apply_update

    def racing(self, **kwargs):
        monkeypatch.setattr(Action, "apply_update", original)  # only the first call races
        Action.objects.get(pk=self.pk).apply_update(by=by, note="Meanwhile", progress=5)
        return original(self, **kwargs)

    monkeypatch.setattr(Action, "apply_update", racing)


def test_an_update_without_a_version_that_loses_a_race_answers_409(
    api, owner, coordinator, action, monkeypatch
):
    _someone_else_changes_it_first(monkeypatch, action, coordinator)
    response = api(owner).post(
        f"/api/v1/actions/{action.pk}/updates/", {"note": "Mine"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["your_version"] is None and body["current_version"] == 2
    assert body["detail"].startswith("Someone else changed this action at the same moment")
    assert [c["summary"] for c in body["changes_since"]] == ["Progress update"]
    assert list(Update.objects.values_list("note", flat=True)) == ["Meanwhile"]


def test_a_move_without_a_version_that_loses_a_race_answers_409(
    api, owner, coordinator, action, monkeypatch
):
    _someone_else_changes_it_first(monkeypatch, action, coordinator)
    response = api(owner).post(f"/api/v1/actions/{action.pk}/start/", {"note": "Go"}, format="json")
    assert response.status_code == 409
    assert Action.objects.get(pk=action.pk).status == "not_started"


def test_two_extension_requests_at_once_the_loser_is_told(
    client, owner, overseen_action, monkeypatch
):
    """The check passes for both; the database's one-pending rule stops the second."""
    real_create = ExtensionRequest.objects.create

    def create_after_the_other(**fields):
        real_create(**{**fields, "reason": "The other request"})
        return real_create(**fields)

    monkeypatch.setattr(ExtensionRequest.objects, "create", create_after_the_other)
    with pytest.raises(ExtensionConflict):
        extension_request(
            action=overseen_action, by=owner, new_due_date=_later(overseen_action), reason="Mine"
        )
    day = _later(overseen_action)
    client.force_login(owner)
    response = client.post(
        reverse("governance:extension", args=[overseen_action.pk]),
        {
            "new_due_date_0": day.day,
            "new_due_date_1": day.month,
            "new_due_date_2": day.year,
            "reason": "Mine",
        },
    )
    assert response.status_code == 409
    assert "at the same moment" in response.text
    assert "Mine" in response.text  # what was typed is kept


def test_two_extension_requests_at_once_in_the_api(api, owner, overseen_action, monkeypatch):
    def integrity_error(**fields):
        raise IntegrityError("one_pending_extension_per_action")

    monkeypatch.setattr(ExtensionRequest.objects, "create", integrity_error)
    response = api(owner).post(
        f"/api/v1/actions/{overseen_action.pk}/extension-requests/",
        {"new_due_date": _later(overseen_action).isoformat(), "reason": "Mine"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert "at the same moment" in response.json()["detail"]


def test_an_extension_decided_twice_the_second_is_told(
    client, board_member, other_board_member, overseen_action
):
    request = ExtensionRequestFactory(action=overseen_action)
    seen_by_first = ExtensionRequest.objects.get(pk=request.pk)
    extension_decide(request=request, by=board_member, approve=True, rationale="Fair")
    with pytest.raises(ExtensionConflict, match="decided this request a moment ago"):
        extension_decide(request=seen_by_first, by=board_member, approve=False, rationale="No")
    assert ExtensionRequest.objects.get(pk=request.pk).state == "approved"


# --- real threads, PostgreSQL -------------------------------------------------------------


def _at_once(count, send):
    """Run send(i) in count threads released together; their answers' status codes."""
    barrier = threading.Barrier(count)
    statuses = [None] * count

    def run(i):
        try:
            barrier.wait()
            statuses[i] = send(i)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return statuses


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_parallel_updates_without_a_version_answer_201_or_409(owner, action):
    def send(i):
        client = Client()
        client.force_login(owner)
        response = client.post(
            f"/api/v1/actions/{action.pk}/updates/",
            {"note": f"Update {i}", "progress": 10 + i},
            content_type="application/json",
        )
        return response.status_code

    statuses = _at_once(6, send)
    assert set(statuses) <= {201, 409}, statuses
    assert 201 in statuses
    assert Update.objects.filter(action=action).count() == statuses.count(201)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_parallel_extension_requests_one_wins_the_rest_are_told(owner, overseen_action):
    day = _later(overseen_action)

    def send(i):
        client = Client()
        client.force_login(owner)
        response = client.post(
            f"/api/v1/actions/{overseen_action.pk}/extension-requests/",
            {"new_due_date": day.isoformat(), "reason": f"Request {i}"},
            content_type="application/json",
        )
        return response.status_code

    statuses = _at_once(4, send)
    assert statuses.count(201) == 1, statuses
    assert set(statuses) <= {201, 400, 409}, statuses
    assert ExtensionRequest.objects.filter(action=overseen_action).count() == 1


def test_a_sign_off_sent_twice_the_second_is_told(client, board_member, overseen_action):
    action = set_status(overseen_action, "submitted")
    client.force_login(board_member)
    url = reverse("governance:decide", args=[action.pk])
    decision = {"outcome": "close", "rationale": "Done", "version": action.version}
    assert client.post(url, decision).status_code == 302
    again = client.post(url, {**decision, "outcome": "return"})
    assert again.status_code == 403  # closed now: no decision left to take
    assert Action.objects.get(pk=action.pk).status == "closed"


def test_a_sign_off_sent_twice_in_the_api_without_a_version(api, board_member, overseen_action):
    action = set_status(overseen_action, "submitted")
    client = api(board_member)
    url = f"/api/v1/actions/{action.pk}/sign-off/"
    assert client.post(url, {"note": "Done"}, format="json").status_code == 200
    again = client.post(url, {"note": "Done"}, format="json")
    assert again.status_code == 400, again.json()
    assert again.json()["detail"].endswith("closed cannot be moved that way.")
