"""Workflow moves and other changes through the API: the same model methods as the pages,
so the same rules, history and audit trail."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from actions.api.serializers import NOT_A_MEMBER
from actions.models import Action, Evidence, Update
from audit.models import Event
from governance.models import Decision, ExtensionRequest
from tests.api.conftest import set_status
from tests.factories import BoardFactory, ExtensionRequestFactory, ForceFactory, MeetingFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _post(client, action, endpoint, body, **kwargs):
    return client.post(f"/api/v1/actions/{action.pk}/{endpoint}/", body, format="json", **kwargs)


def _future(days=90):
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_starting_work_records_an_update_and_an_audit_event(api, owner, action):
    response = _post(api(owner), action, "start", {"note": "Kick-off held", "rag": "green"})
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["rag"], body["version"]) == ("in_progress", "green", 2)
    assert body["allowed_transitions"] == ["hold", "submit"]
    assert response["ETag"] == '"2"'
    update = Update.objects.get(action=action)
    assert (update.status_before, update.status_after, update.note) == (
        "not_started",
        "in_progress",
        "Kick-off held",
    )
    event = Event.objects.get(verb="action.start")
    assert event.actor == owner
    assert event.changes["status"] == ["not_started", "in_progress"]


def test_putting_on_hold_keeps_the_note_as_the_reason(api, owner, action):
    _post(api(owner), action, "hold", {"note": "Waiting for the new system"})
    action.refresh_from_db()
    assert (action.status, action.hold_reason) == ("on_hold", "Waiting for the new system")


def test_submitting_needs_a_closing_summary(api, owner, action, evidence):
    set_status(action, "in_progress")
    response = _post(api(owner), action, "submit", {"note": "Done"})
    assert response.status_code == 400
    assert response.json()["errors"] == {"closing_summary": ["This field is required."]}


def test_submitting_needs_evidence(api, owner, action):
    set_status(action, "in_progress")
    response = _post(api(owner), action, "submit", {"note": "Done", "closing_summary": "All"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "transition": ["Attach at least one piece of evidence before submitting for closure."]
    }
    assert Action.objects.get(pk=action.pk).status == "in_progress"


def test_a_move_from_the_wrong_status_is_refused(api, owner, action):
    response = _post(api(owner), action, "resume", {"note": "Go"})
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "transition: An action that is not started cannot be moved that way."
    )


def test_a_board_member_signs_off_at_a_meeting(api, board_member, overseen_action):
    action = set_status(overseen_action, "submitted")
    meeting = MeetingFactory(board=action.finding.board)
    response = _post(
        api(board_member), action, "sign-off", {"note": "Evidence is clear", "meeting": meeting.pk}
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["progress"]) == ("closed", 100)
    decision = Decision.objects.get(action=action)
    assert (decision.outcome, decision.meeting, decision.decided_by) == (
        "signed_off",
        meeting,
        board_member,
    )


def test_a_board_member_never_signs_off_their_own_action(api, board_member, overseen_action):
    overseen_action.owner = board_member
    overseen_action.save()
    action = set_status(overseen_action, "submitted")
    response = _post(api(board_member), action, "sign-off", {"note": "Mine"})
    assert response.status_code == 403


def test_returning_for_more_work_records_the_decision(api, board_member, overseen_action):
    action = set_status(overseen_action, "submitted")
    response = _post(api(board_member), action, "return", {"note": "Show the audit"})
    assert response.json()["status"] == "in_progress"
    assert Decision.objects.get(action=action).outcome == "returned"


def test_a_meeting_of_another_force_is_not_accepted(api, board_member, overseen_action):
    action = set_status(overseen_action, "submitted")
    elsewhere = MeetingFactory(board=BoardFactory(force=ForceFactory(name="Kent Police")))
    response = _post(api(board_member), action, "sign-off", {"note": "x", "meeting": elsewhere.pk})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["meeting"]


@pytest.mark.parametrize("endpoint", ["sign-off", "return"])
def test_a_decision_cannot_be_filed_under_another_boards_meeting(
    api, board_member, overseen_action, force, endpoint
):
    action = set_status(overseen_action, "submitted")
    ethics = MeetingFactory(board=BoardFactory(force=force, name="Ethics committee"))
    response = _post(api(board_member), action, endpoint, {"note": "x", "meeting": ethics.pk})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "meeting": [
            "Choose a meeting of the board that oversees this action (the Management board); "
            "this one is a meeting of the Ethics committee."
        ]
    }
    assert not Decision.objects.exists()
    assert Action.objects.get(pk=action.pk).status == "submitted"


def test_a_decision_on_an_action_with_no_board_cannot_name_a_meeting(
    api, coordinator, action, board
):
    action = set_status(action, "submitted")
    response = _post(
        api(coordinator),
        action,
        "sign-off",
        {"note": "x", "meeting": MeetingFactory(board=board).pk},
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["meeting"]
    assert not Decision.objects.exists()


def test_a_progress_update_keeps_the_status(api, owner, action):
    response = _post(api(owner), action, "updates", {"note": "Two recruited", "progress": 40})
    assert response.status_code == 201
    assert response.json()["progress"] == 40
    assert response["ETag"] == '"2"'
    action.refresh_from_db()
    assert (action.status, action.progress) == ("not_started", 40)
    assert Event.objects.filter(verb="action.update").count() == 1


def test_progress_must_be_a_percentage(api, owner, action):
    response = _post(api(owner), action, "updates", {"note": "x", "progress": 101})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["progress"]


def test_an_update_needs_a_note(api, owner, action):
    response = _post(api(owner), action, "updates", {"note": "   "})
    assert response.json()["errors"] == {"note": ["This field may not be blank."]}


# --- evidence ------------------------------------------------------------------


def _upload(client, action, content=PDF, name="audit.pdf", **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "description": "Vetting audit",
        "effective_date": "2020-06-01",
        **extra,
    }
    return client.post(f"/api/v1/actions/{action.pk}/evidence/", data, format="multipart")


def test_a_file_is_checked_hashed_and_audited(api, owner, action):
    response = _upload(api(owner), action, marking="OFFICIAL-SENSITIVE")
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["name"], body["marking"], body["size"]) == (
        "file",
        "audit.pdf",
        "OFFICIAL-SENSITIVE",
        len(PDF),
    )
    assert body["download_url"] == f"/api/v1/evidence/{body['id']}/download/"
    assert Event.objects.get(verb="evidence.add").data["sha256"] == body["sha256"]


def test_the_same_file_twice_is_refused(api, owner, action):
    _upload(api(owner), action)
    response = _upload(api(owner), action, name="again.pdf")
    assert response.status_code == 400
    assert response.json()["errors"]["file"][0].startswith("This file is already attached")


def test_a_file_that_is_not_what_it_says_is_refused(api, owner, action):
    response = _upload(api(owner), action, content=b"MZ\x90\x00" + b"\x00" * 64, name="x.pdf")
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not Evidence.objects.exists()


def test_a_link_is_evidence_too(api, owner, action):
    body = {
        "url": "https://sharepoint.example.police.uk/vetting",
        "description": "Vetting dashboard",
        "effective_date": "2020-06-01",
    }
    response = api(owner).post(f"/api/v1/actions/{action.pk}/evidence/", body, format="json")
    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["download_url"]) == ("link", None)


def test_a_file_and_a_link_together_are_refused(api, owner, action):
    response = _upload(api(owner), action, url="https://example.org/x")
    assert response.status_code == 400
    assert response.json()["errors"] == {"file": ["Choose a file or enter a link, not both."]}


def test_a_new_version_supersedes_the_old(api, owner, action, evidence):
    response = _upload(api(owner), action, supersedes=evidence.pk)
    assert response.status_code == 201
    old = api(owner).get(f"/api/v1/evidence/{evidence.pk}/").json()
    assert old["superseded_by"] == response.json()["id"]
    current = api(owner).get("/api/v1/evidence/", {"current": "true"}).json()["results"]
    assert [e["id"] for e in current] == [response.json()["id"]]


# --- extensions ------------------------------------------------------------------


def test_an_owner_asks_for_more_time_and_the_board_approves(
    api, owner, board_member, overseen_action
):
    action = overseen_action
    original = action.due_date
    asked = _post(
        api(owner),
        action,
        "extension-requests",
        {"new_due_date": _future(200), "reason": "Supplier delay"},
    )
    assert asked.status_code == 201
    assert asked.json()["state"] == "pending"
    decided = api(board_member).post(
        f"/api/v1/extension-requests/{asked.json()['id']}/decide/",
        {"approve": True, "rationale": "Reasonable"},
        format="json",
    )
    assert decided.status_code == 200
    assert decided.json()["state"] == "approved"
    action.refresh_from_db()
    assert (action.due_date.isoformat(), action.original_due_date) == (_future(200), original)


def test_only_one_request_waits_at_a_time(api, owner, action):
    ExtensionRequestFactory(action=action)
    response = _post(
        api(owner), action, "extension-requests", {"new_due_date": _future(300), "reason": "x"}
    )
    assert response.status_code == 400
    assert response.json()["errors"]["new_due_date"] == [
        "An extension request for this action is already waiting."
    ]


def test_a_decided_request_cannot_be_decided_again(api, board_member, overseen_action):
    extension = ExtensionRequestFactory(action=overseen_action, state="rejected")
    response = api(board_member).post(
        f"/api/v1/extension-requests/{extension.pk}/decide/",
        {"approve": True, "rationale": "Changed my mind"},
        format="json",
    )
    assert response.status_code == 400
    assert ExtensionRequest.objects.get(pk=extension.pk).state == "rejected"


def test_an_extension_cannot_be_decided_at_another_boards_meeting(
    api, board_member, overseen_action, force
):
    extension = ExtensionRequestFactory(action=overseen_action)
    ethics = MeetingFactory(board=BoardFactory(force=force, name="Ethics committee"))
    url = f"/api/v1/extension-requests/{extension.pk}/decide/"
    body = {"approve": True, "rationale": "Reasonable", "meeting": ethics.pk}
    response = api(board_member).post(url, body, format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["meeting"]
    assert "Management board" in response.json()["errors"]["meeting"][0]
    assert ExtensionRequest.objects.get(pk=extension.pk).state == "pending"
    own = MeetingFactory(board=overseen_action.finding.board)
    response = api(board_member).post(url, {**body, "meeting": own.pk}, format="json")
    assert response.status_code == 200
    assert ExtensionRequest.objects.get(pk=extension.pk).meeting == own


# --- raising and editing -----------------------------------------------------


def test_a_coordinator_raises_an_action(api, coordinator, finding, owner):
    body = {
        "finding": finding.pk,
        "title": "Audit vetting",
        "owner": owner.pk,
        "due_date": _future(),
        "priority": "high",
    }
    response = api(coordinator).post("/api/v1/actions/", body, format="json")
    assert response.status_code == 201
    action = Action.objects.get(pk=response.json()["id"])
    assert (action.owner, action.priority, action.original_due_date.isoformat()) == (
        owner,
        "high",
        _future(),
    )
    assert Event.objects.get(verb="action.create").actor == coordinator


def test_the_api_keeps_the_edit_pages_rules(api, coordinator, finding, outsider):
    body = {
        "finding": finding.pk,
        "title": "Audit",
        "owner": outsider.pk,
        "start_date": _future(30),
        "due_date": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
    }
    response = api(coordinator).post("/api/v1/actions/", body, format="json")
    assert response.status_code == 400
    # Someone in another force is refused like an id that does not exist.
    assert response.json()["errors"]["owner"] == [NOT_A_MEMBER]
    response = api(coordinator).post("/api/v1/actions/", {**body, "owner": None}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["due_date"] == ["The due date must be today or in the future"]
    assert not Action.objects.exists()


def test_an_edit_changes_only_what_is_sent(api, coordinator, action):
    response = api(coordinator).patch(
        f"/api/v1/actions/{action.pk}/", {"team": "Vetting unit", "version": 1}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["team"], response.json()["title"]) == ("Vetting unit", action.title)
    assert Event.objects.get(verb="action.edit").changes == {"team": ["", "Vetting unit"]}


def test_moving_the_due_date_needs_a_reason_as_on_the_edit_page(api, coordinator, action):
    later = (action.due_date + dt.timedelta(days=14)).isoformat()
    url = f"/api/v1/actions/{action.pk}/"
    refused = api(coordinator).patch(url, {"due_date": later, "version": 1}, format="json")
    assert refused.status_code == 400
    assert refused.json()["errors"]["due_date_reason"] == ["Enter why the due date is changing"]
    saved = api(coordinator).patch(
        url, {"due_date": later, "due_date_reason": "Agreed.", "version": 1}, format="json"
    )
    assert saved.status_code == 200
    assert Event.objects.get(verb="action.edit").data["note"] == "Agreed."


def test_an_unchanged_past_due_date_may_stay(api, coordinator, action):
    Action.objects.filter(pk=action.pk).update(due_date=dt.date(2020, 1, 1))
    response = api(coordinator).patch(
        f"/api/v1/actions/{action.pk}/", {"title": "Renamed", "version": 1}, format="json"
    )
    assert response.status_code == 200


def test_a_closed_action_must_be_reopened_before_editing(api, coordinator, action):
    set_status(action, "closed")
    response = api(coordinator).patch(
        f"/api/v1/actions/{action.pk}/", {"title": "x", "version": 1}, format="json"
    )
    assert response.json()["detail"] == (
        "You may not edit this action while it is closed: reopen it first."
    )


# --- findings ----------------------------------------------------------------------


def test_a_coordinator_sets_the_overseeing_board(api, coordinator, finding, board):
    response = api(coordinator).post(
        f"/api/v1/findings/{finding.pk}/board/", {"board": board.pk}, format="json"
    )
    assert response.json()["board"] == board.pk
    assert Event.objects.get(verb="finding.board").changes == {"board": [None, board.name]}


def test_another_forces_board_cannot_oversee(api, coordinator, finding):
    elsewhere = BoardFactory(force=ForceFactory(name="Kent Police"))
    response = api(coordinator).post(
        f"/api/v1/findings/{finding.pk}/board/", {"board": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400


def test_a_finding_goes_to_the_inspectorate_only_when_complete(api, coordinator, action):
    response = api(coordinator).post(
        f"/api/v1/findings/{action.finding.pk}/inspectorate-status/",
        {"status": "awaiting_review"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "status": ["Close every action before sending the finding to the inspectorate."]
    }
