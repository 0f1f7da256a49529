"""Regression tests from the security review: each names the hole it keeps closed."""

import pytest
from django.db.models import ProtectedError
from django.urls import reverse

from actions.models import Action, Status, create_action
from audit.models import Event
from governance.models import Decision
from tests.factories import (
    ActionFactory,
    BoardFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    FindingFactory,
    InspectionFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_timeline_never_names_sensitive_evidence(client, owner, teammate, action):
    from django.core.files.base import ContentFile

    from actions.models import evidence_add

    evidence_add(
        action=action,
        by=owner,
        description="Handler's notes",
        effective_date=action.due_date,
        marking="OFFICIAL-SENSITIVE",
        upload=ContentFile(b"%PDF-1.4 notes", name="informant-handler-smith.pdf"),
    )
    client.force_login(teammate)
    page = client.get(reverse("actions:detail", args=[action.pk]))
    assert "informant-handler-smith" not in page.text
    assert "OFFICIAL-SENSITIVE evidence #" in page.text
    assert not Event.objects.filter(object_repr__contains="handler-smith").exists()
    assert not Event.objects.filter(summary__contains="handler-smith").exists()


def test_an_action_cannot_be_given_to_someone_outside_the_force(finding, coordinator, outsider):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        create_action(finding=finding, by=coordinator, title="Plan", owner=outsider)
    action = ActionFactory(finding=finding)
    with pytest.raises(ValidationError):
        action.edit(by=coordinator, changes={"owner": outsider})


def test_the_back_office_refuses_an_owner_from_another_force(client, action, outsider):
    client.force_login(_superuser())
    url = reverse("admin:actions_action_change", args=[action.pk])
    response = client.post(
        url,
        {
            "title": action.title,
            "owner": outsider.pk,
            "priority": "medium",
            "due_date": action.due_date.isoformat(),
            "expected_version": action.version,
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "Choose an owner who works in this force" in response.text
    action.refresh_from_db()
    assert action.owner != outsider


def test_a_stale_back_office_page_cannot_overwrite_a_newer_change(client, action, coordinator):
    client.force_login(_superuser())
    url = reverse("admin:actions_action_change", args=[action.pk])
    seen = action.version
    action.edit(by=coordinator, changes={"team": "Newer"})
    response = client.post(
        url,
        {
            "title": "Old page",
            "owner": action.owner_id,
            "priority": "medium",
            "due_date": action.due_date.isoformat(),
            "expected_version": seen,
            "updates-TOTAL_FORMS": 0,
            "updates-INITIAL_FORMS": 0,
            "evidence-TOTAL_FORMS": 0,
            "evidence-INITIAL_FORMS": 0,
        },
    )
    assert "changed this action after you opened it" in response.text
    assert Action.objects.get().title != "Old page"


def test_the_findings_admin_cannot_edit_actions_or_the_board(client, finding, action):
    client.force_login(_superuser())
    form = client.get(reverse("admin:inspections_finding_change", args=[finding.pk]))
    assert 'name="actions-0-title"' not in form.text
    assert 'name="board"' not in form.text


def test_back_office_role_changes_are_audited(client, owner, force):
    membership = owner.memberships.get()
    client.force_login(_superuser())
    client.post(
        reverse("admin:forces_membership_change", args=[membership.pk]),
        {"user": owner.pk, "force": force.pk, "role": "coordinator", "team": ""},
    )
    event = Event.objects.get(verb="membership.edit")
    assert event.changes["role"] == ["owner", "coordinator"]


def test_people_in_the_record_cannot_be_deleted(owner, action):
    action.apply_update(by=owner, note="Started", transition="start")
    with pytest.raises(ProtectedError):
        owner.delete()


def test_whoever_submitted_cannot_sign_off_after_reallocating(finding, coordinator, teammate):
    action = ActionFactory(finding=finding, owner=coordinator, status=Status.IN_PROGRESS)
    EvidenceFactory(action=action, uploaded_by=coordinator)
    action.apply_update(by=coordinator, note="Done", transition="submit", closing_summary="x")
    action.edit(by=coordinator, changes={"owner": teammate})
    action = Action.objects.get(pk=action.pk)
    assert not action.can(coordinator, "close")


def test_an_owner_cannot_decide_more_time_for_their_own_action(overseen_action, board_member):
    overseen_action.owner = board_member
    overseen_action.save()
    ExtensionRequestFactory(action=overseen_action, requested_by=None)
    assert not overseen_action.can(board_member, "decide_extension")


def test_a_decision_is_never_filed_under_another_boards_meeting(
    client, board_member, overseen_action, force
):
    other = MeetingFactory(board=BoardFactory(force=force, members=[board_member]))
    Action.objects.filter(pk=overseen_action.pk).update(status=Status.SUBMITTED)
    client.force_login(board_member)
    client.post(
        reverse("governance:decide", args=[overseen_action.pk]),
        {"outcome": "return", "rationale": "More", "version": 1, "meeting": other.pk},
    )
    assert Decision.objects.get().meeting is None


def test_an_odd_meeting_number_is_ignored_not_a_server_error(client, board_member, overseen_action):
    Action.objects.filter(pk=overseen_action.pk).update(status=Status.SUBMITTED)
    client.force_login(board_member)
    response = client.post(
        reverse("governance:decide", args=[overseen_action.pk]) + "?meeting=²",
        {"outcome": "return", "rationale": "More", "version": 1},
    )
    assert response.status_code == 302


def test_a_meeting_pack_shows_only_its_own_forces_work(other_force, board, finding, outsider):
    from governance.selectors import meeting_pack

    foreign = FindingFactory(inspection=InspectionFactory(force=other_force), board=board)
    ActionFactory(finding=foreign, status=Status.SUBMITTED)
    ActionFactory(finding=FindingFactory(inspection=finding.inspection, board=board))
    assert not meeting_pack(board)["submitted"].exists()


def test_editing_an_action_needs_the_version_it_was_based_on(client, coordinator, action):
    client.force_login(coordinator)
    due = action.due_date
    response = client.post(
        reverse("actions:edit", args=[action.pk]),
        {
            "title": "No version",
            "priority": "medium",
            "due_date_0": due.day,
            "due_date_1": due.month,
            "due_date_2": due.year,
        },
    )
    assert response.status_code == 400
    assert Action.objects.get().title != "No version"


def test_pages_name_the_system_and_nobody_without_a_server_error(
    client, coordinator, action, finding
):
    # Found by the multi-server load run: an event recorded by the reminders has no actor,
    # and an action may have no owner; naming them used to raise in the template.
    Event.record(None, "action.escalate", action, summary="Escalated: overdue")
    unowned = ActionFactory(finding=finding, owner=None)
    client.force_login(coordinator)
    page = client.get(reverse("actions:detail", args=[action.pk]))
    assert page.status_code == 200
    assert "by the system" in page.text
    assert client.get(reverse("actions:detail", args=[unowned.pk])).status_code == 200
    assert "Nobody yet" in client.get(reverse("actions:finding", args=[finding.pk])).text


# Separation of duties covers returns: a board member who owns or submitted an action
# cannot send it back for more work (and so reopen it unseen by the rest of the board),
# whichever door they use.


def _submitted_by(action, member):
    """The member owns the action and submits it for closure themselves."""
    action.owner = member
    action.status = Status.IN_PROGRESS
    action.save()
    EvidenceFactory(action=action, uploaded_by=member)
    action.apply_update(by=member, note="Done", transition="submit", closing_summary="Done")
    return Action.objects.get(pk=action.pk)


def test_a_board_member_cannot_return_an_action_they_own(board_member, overseen_action):
    action = _submitted_by(overseen_action, board_member)
    assert not action.can(board_member, "return")
    assert "return" not in [t.name for t in action.allowed_transitions(board_member)]


def test_a_board_member_cannot_return_what_they_submitted_after_reallocating(
    board_member, teammate, overseen_action
):
    action = _submitted_by(overseen_action, board_member)
    action.edit(by=_superuser(), changes={"owner": teammate})
    action = Action.objects.get(pk=action.pk)
    assert not action.can(board_member, "return")


def test_another_board_member_may_still_return_it(board_member, overseen_action, force):
    colleague = UserFactory(username="colleague")
    from tests.factories import MembershipFactory

    MembershipFactory(user=colleague, force=force, role="board_member")
    overseen_action.finding.board.members.add(colleague)
    action = _submitted_by(overseen_action, board_member)
    assert action.can(colleague, "return")


def test_the_decision_page_refuses_a_return_of_ones_own_action(
    client, board_member, overseen_action
):
    action = _submitted_by(overseen_action, board_member)
    client.force_login(board_member)
    url = reverse("governance:decide", args=[action.pk])
    assert client.get(url).status_code == 403
    response = client.post(url, {"outcome": "return", "rationale": "Mine", "version": 2})
    assert response.status_code == 403
    assert Action.objects.get(pk=action.pk).status == Status.SUBMITTED


def test_the_api_refuses_a_return_of_ones_own_action(board_member, overseen_action):
    from rest_framework.test import APIClient

    action = _submitted_by(overseen_action, board_member)
    api = APIClient()
    api.force_login(board_member)
    response = api.post(f"/api/v1/actions/{action.pk}/return/", {"note": "Mine"}, format="json")
    assert response.status_code == 403
    assert Action.objects.get(pk=action.pk).status == Status.SUBMITTED
    assert not Decision.objects.exists()


def test_the_back_office_refuses_a_return_of_ones_own_action(client, board_member, overseen_action):
    board_member.is_staff = True
    board_member.save()
    from django.contrib.auth.models import Permission

    board_member.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_action", "change_action"])
    )
    action = _submitted_by(overseen_action, board_member)
    client.force_login(board_member)
    client.post(
        reverse("admin:actions_action_changelist"),
        {"action": "bulk_return", "_selected_action": [action.pk]},
    )
    assert Action.objects.get(pk=action.pk).status == Status.SUBMITTED
