import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action, Status
from audit.models import Event
from governance.models import Decision, ExtensionRequest
from governance.services import extension_decide, extension_request
from inspections.models import InspectorateStatus
from tests.factories import ExtensionRequestFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def _submitted(action):
    Action.objects.filter(pk=action.pk).update(status=Status.SUBMITTED)
    action.refresh_from_db()
    return action


def test_a_board_member_signs_off_and_the_decision_is_recorded(overseen_action, board_member):
    action = _submitted(overseen_action)
    action.apply_update(by=board_member, note="Evidence is convincing", transition="close")
    decision = Decision.objects.get()
    assert (decision.outcome, decision.decided_by, decision.board) == (
        "signed_off",
        board_member,
        action.finding.board,
    )
    assert decision.rationale == "Evidence is convincing"
    assert action.status == Status.CLOSED


def test_a_board_member_returns_for_more_work(overseen_action, board_member):
    action = _submitted(overseen_action)
    action.apply_update(by=board_member, note="Needs the audit report", transition="return")
    assert action.status == Status.IN_PROGRESS
    assert Decision.objects.get().outcome == "returned"


def test_a_member_cannot_sign_off_an_action_they_own(overseen_action, board_member):
    overseen_action.owner = board_member
    overseen_action.save()
    action = _submitted(overseen_action)
    assert not action.can(board_member, "close")
    with pytest.raises(ValidationError, match="may not"):
        action.apply_update(by=board_member, note="Mine, done", transition="close")


def test_a_member_of_another_board_cannot_decide(overseen_action, other_board_member):
    action = _submitted(overseen_action)
    with pytest.raises(PermissionDenied):
        action.apply_update(by=other_board_member, note="Not our board", transition="close")


def test_a_coordinator_cannot_sign_off_an_overseen_action(overseen_action, coordinator):
    action = _submitted(overseen_action)
    with pytest.raises(ValidationError):
        action.apply_update(by=coordinator, note="Closing", transition="close")


def test_an_owner_asks_for_an_extension(action, owner):
    new = action.due_date + dt.timedelta(days=30)
    request = extension_request(action=action, by=owner, new_due_date=new, reason="IT delay")
    assert request.state == "pending"
    assert request.current_due_date == action.due_date
    assert Event.objects.filter(verb="extension.request").exists()


def test_an_extension_must_move_the_date_later(action, owner):
    with pytest.raises(ValidationError) as error:
        extension_request(action=action, by=owner, new_due_date=action.due_date, reason="x")
    assert "after the current one" in error.value.message_dict["new_due_date"][0]


def test_only_one_extension_request_waits_at_a_time(action, owner):
    later = action.due_date + dt.timedelta(days=30)
    extension_request(action=action, by=owner, new_due_date=later, reason="IT delay")
    with pytest.raises(ValidationError):
        extension_request(action=action, by=owner, new_due_date=later, reason="Again")


def test_an_auditor_cannot_ask_for_an_extension(action, auditor):
    with pytest.raises(PermissionDenied):
        extension_request(action=action, by=auditor, new_due_date=dt.date(2099, 1, 1), reason="No")


def test_the_board_approves_an_extension_and_history_is_kept(overseen_action, board_member):
    first_due = overseen_action.due_date
    request = ExtensionRequestFactory(action=overseen_action)
    extension_decide(request=request, by=board_member, approve=True, rationale="Reasonable")
    overseen_action.refresh_from_db()
    assert overseen_action.due_date == request.requested_due_date
    assert overseen_action.original_due_date == first_due
    assert not overseen_action.is_overdue
    request.refresh_from_db()
    assert (request.state, request.decided_by) == ("approved", board_member)


def test_the_board_rejects_an_extension_and_the_date_stays(overseen_action, board_member):
    due = overseen_action.due_date
    request = ExtensionRequestFactory(action=overseen_action)
    extension_decide(request=request, by=board_member, approve=False, rationale="Not justified")
    overseen_action.refresh_from_db()
    assert overseen_action.due_date == due
    assert ExtensionRequest.objects.get().state == "rejected"


def test_the_owner_cannot_decide_their_own_extension(overseen_action, owner):
    MembershipFactory(
        user=owner, force=overseen_action.finding.inspection.force, role="coordinator"
    )
    overseen_action.finding.board.members.add(owner)
    request = ExtensionRequestFactory(action=overseen_action)
    with pytest.raises(PermissionDenied):
        extension_decide(request=request, by=owner, approve=True, rationale="Fine by me")


def test_a_decision_needs_a_rationale(overseen_action, board_member):
    request = ExtensionRequestFactory(action=overseen_action)
    with pytest.raises(ValidationError):
        extension_decide(request=request, by=board_member, approve=True, rationale=" ")


def test_a_complete_finding_goes_to_the_inspectorate(overseen_action, board_member, coordinator):
    action = _submitted(overseen_action)
    action.apply_update(by=board_member, note="Done", transition="close")
    finding = action.finding
    finding.refresh_from_db()
    finding.set_inspectorate_status(by=coordinator, status=InspectorateStatus.AWAITING_REVIEW)
    finding.set_inspectorate_status(by=coordinator, status=InspectorateStatus.CLOSED)
    assert finding.inspectorate_status == "closed"
    assert Event.objects.filter(verb="finding.inspectorate").count() == 2


def test_an_incomplete_finding_cannot_go_to_the_inspectorate(finding, action, coordinator):
    with pytest.raises(ValidationError):
        finding.set_inspectorate_status(by=coordinator, status="awaiting_review")


def test_only_a_coordinator_records_the_inspectorates_view(finding, board_member):
    with pytest.raises(PermissionDenied):
        finding.set_inspectorate_status(by=board_member, status="closed")
