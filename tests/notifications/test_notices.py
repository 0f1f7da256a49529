"""Notices of events: who is told, once; leavers, the inactive and other forces never."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command

from actions.models import create_action
from forces.models import Membership
from governance import services as governance
from inspections.services import finding_create
from notifications.models import Digest, Notification, Preference, Rule
from tests.factories import (
    BoardFactory,
    EvidenceFactory,
    MembershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the on-commit hooks (the immediate emails) as a committed request would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return fn(*args, **kwargs)

    return run


def inbox(user, **filters):
    return Notification.objects.filter(recipient=user, channel="in_app", **filters)


def emails_to(user):
    return [m for m in mail.outbox if user.email in m.to]


def submitted(action, owner):
    EvidenceFactory(action=action)
    action.apply_update(by=owner, note="Started", transition="start")
    action.apply_update(
        by=owner, note="Done", transition="submit", closing_summary="Backlog cleared."
    )
    return action


# --- allocation ----------------------------------------------------------------------------


def test_a_new_owner_is_told_once_in_the_app_and_by_email(commit, action, coordinator, teammate):
    commit(action.edit, by=coordinator, changes={"owner": teammate})
    notice = inbox(teammate, rule=Rule.ALLOCATED).get()
    assert notice.subject == f"Allocated to you: {action.title}"
    assert notice.link == f"/actions/{action.pk}/"
    assert [m.subject for m in emails_to(teammate)] == [notice.subject]
    assert f"https://peeltrack.example.police.uk/actions/{action.pk}/" in mail.outbox[0].body


def test_the_previous_owner_is_told_the_action_left_them(
    commit, action, owner, coordinator, teammate
):
    commit(action.edit, by=coordinator, changes={"owner": teammate})
    notice = inbox(owner, rule=Rule.REALLOCATED).get()
    assert notice.subject == f"No longer yours: {action.title}"
    assert "gave this action to" in notice.body


def test_raising_an_action_with_an_owner_tells_the_owner(commit, finding, coordinator, owner):
    action = commit(create_action, finding=finding, by=coordinator, title="Train", owner=owner)
    assert inbox(owner, rule=Rule.ALLOCATED, action=action).count() == 1


def test_nobody_is_told_what_they_did_themselves(action, coordinator):
    MembershipFactory(user=coordinator, force=action.finding.inspection.force, role="owner")
    action.edit(by=coordinator, changes={"owner": coordinator})
    assert not inbox(coordinator, rule=Rule.ALLOCATED).exists()


def test_a_previous_owner_who_left_the_force_is_not_told(action, owner, coordinator, teammate):
    Membership.objects.filter(user=owner).delete()
    action.edit(by=coordinator, changes={"owner": teammate})
    assert not Notification.objects.filter(recipient=owner).exists()


def test_an_inactive_previous_owner_is_not_told(action, owner, coordinator, teammate):
    owner.is_active = False
    owner.save()
    action.edit(by=coordinator, changes={"owner": teammate})
    assert not Notification.objects.filter(recipient=owner).exists()


def test_changing_other_fields_tells_nobody(action, coordinator):
    action.edit(by=coordinator, changes={"team": "Vetting"})
    assert not Notification.objects.exists()


# --- decisions on the owner's action -------------------------------------------------------


def test_a_return_tells_the_owner_with_the_rationale(commit, overseen_action, owner, board_member):
    submitted(overseen_action, owner)
    commit(
        overseen_action.apply_update,
        by=board_member,
        note="The evidence is a draft: attach the signed policy.",
        transition="return",
    )
    notice = inbox(owner, rule=Rule.RETURNED).get()
    assert notice.subject == f"Returned for more work: {overseen_action.title}"
    assert "attach the signed policy" in notice.body
    assert len(emails_to(owner)) == 1


@pytest.mark.parametrize(
    ("moves", "rule", "label"),
    [(["close"], Rule.SIGNED_OFF, "Signed off"), (["close", "reopen"], Rule.REOPENED, "Reopened")],
)
def test_sign_off_and_reopen_tell_the_owner(
    overseen_action, owner, board_member, coordinator, moves, rule, label
):
    submitted(overseen_action, owner)
    for move in moves:
        by = board_member if move == "close" else coordinator
        overseen_action.apply_update(by=by, note=f"Decided: {move}", transition=move)
    notice = inbox(owner, rule=rule).get()
    assert notice.subject == f"{label}: {overseen_action.title}"


# --- extensions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("approve", "rule"), [(True, Rule.EXTENSION_APPROVED), (False, Rule.EXTENSION_REJECTED)]
)
def test_the_owner_hears_the_extension_decision_and_why(
    overseen_action, owner, board_member, approve, rule
):
    request = governance.extension_request(
        action=overseen_action,
        by=owner,
        new_due_date=overseen_action.due_date + dt.timedelta(days=30),
        reason="The new system is late.",
    )
    governance.extension_decide(
        request=request, by=board_member, approve=approve, rationale="Agreed at the board."
    )
    notice = inbox(owner, rule=rule).get()
    assert "Agreed at the board." in notice.body
    assert notice.link == f"/actions/{overseen_action.pk}/"


# --- the board ---------------------------------------------------------------------------


def test_board_members_get_one_notice_a_day_for_many_submissions(
    finding, board, board_member, owner, teammate
):
    from tests.factories import ActionFactory

    finding.board = board
    finding.save()
    first = submitted(ActionFactory(finding=finding, owner=owner), owner)
    second = ActionFactory(finding=finding, owner=teammate)
    governance.extension_request(
        action=second,
        by=teammate,
        new_due_date=second.due_date + dt.timedelta(days=9),
        reason="Why",
    )
    notice = inbox(board_member, rule=Rule.FOR_DECISION).get()
    assert notice.items == 2
    assert notice.subject == "2 items waiting for your decision"
    assert f"Submitted for closure: {first.title}" in notice.body
    assert f"Extension requested: {second.title}" in notice.body
    assert notice.link == "/review/"
    # The owner who submitted is not told about their own submission.
    assert not inbox(owner, rule=Rule.FOR_DECISION).exists()


def test_a_board_member_of_another_force_hears_nothing(overseen_action, owner, outsider):
    overseen_action.finding.board.members.add(outsider)
    submitted(overseen_action, owner)
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_without_a_board_the_coordinators_are_told(action, owner, coordinator):
    submitted(action, owner)
    assert inbox(coordinator, rule=Rule.FOR_DECISION).count() == 1


# --- findings to allocate ------------------------------------------------------------------


def test_coordinators_are_told_of_new_findings_once_a_day_per_inspection(
    inspection, coordinator, outsider, force
):
    other = UserFactory(username="coordinator2")
    MembershipFactory(user=other, force=force, role="coordinator")
    for text in ("Improve vetting.", "Improve training."):
        finding_create(
            inspection=inspection, by=coordinator, kind="area_for_improvement", text=text
        )
    notice = inbox(other, rule=Rule.TO_ALLOCATE).get()
    assert notice.items == 2
    assert notice.subject.startswith("2 findings to allocate")
    assert "Improve training." in notice.body
    assert notice.link == "/findings/unallocated/"
    assert not inbox(coordinator).exists()  # who added them knows
    assert not Notification.objects.filter(recipient=outsider).exists()


# --- email preference and the digest -------------------------------------------------------


def test_digest_readers_wait_for_the_daily_digest_which_goes_once(
    commit, action, owner, coordinator, teammate
):
    Preference.objects.create(user=teammate, email="daily")
    commit(action.edit, by=coordinator, changes={"owner": teammate})
    assert not emails_to(teammate)
    call_command("send_digests")
    [digest] = emails_to(teammate)
    assert "Allocated to you" in digest.body
    assert Digest.objects.filter(user=teammate).count() == 1
    commit(action.edit, by=coordinator, changes={"owner": owner})
    commit(action.edit, by=coordinator, changes={"owner": teammate})
    call_command("send_digests")
    assert len(emails_to(teammate)) == 1  # one digest a day; the rest wait for tomorrow
    call_command("send_digests", date=(dt.date.today() + dt.timedelta(days=1)).isoformat())
    assert len(emails_to(teammate)) == 2


def test_an_inactive_recipient_is_never_emailed(commit, action, owner, coordinator, teammate):
    teammate.is_active = False
    teammate.save()
    with pytest.raises(ValidationError):  # an inactive owner is refused outright
        action.edit(by=coordinator, changes={"owner": teammate})
    assert not Notification.objects.filter(recipient=teammate).exists()


def test_a_board_notice_never_reaches_another_forces_board(overseen_action, owner, other_force):
    stranger = UserFactory(username="stranger")
    MembershipFactory(user=stranger, force=other_force, role="board_member")
    BoardFactory(force=other_force, members=[stranger])
    submitted(overseen_action, owner)
    assert not Notification.objects.filter(recipient=stranger).exists()


def test_your_account_links_to_the_email_preference(client, owner):
    from django.urls import reverse

    client.force_login(owner)
    text = client.get(reverse("account-security")).text
    assert reverse("notifications:preferences") in text
    preferences = client.get(reverse("notifications:preferences")).text
    assert "What PEELtrack tells you as it happens" in preferences


def test_a_batched_email_already_sent_is_not_sent_again(
    commit, finding, board, board_member, owner, teammate
):
    from tests.factories import ActionFactory

    finding.board = board
    finding.save()
    first = ActionFactory(finding=finding, owner=owner)
    commit(submitted, first, owner)
    assert len(emails_to(board_member)) == 1
    second = ActionFactory(finding=finding, owner=teammate)
    commit(submitted, second, teammate)
    assert len(emails_to(board_member)) == 1  # one notice a day: the app shows the rest
    notice = inbox(board_member, rule=Rule.FOR_DECISION).get()
    assert (notice.items, notice.read_at) == (2, None)
    assert second.title in notice.body
    email = Notification.objects.get(recipient=board_member, channel="email")
    assert (email.status, email.items) == ("sent", 1)


def test_the_same_event_heard_twice_is_stored_once(action, owner, coordinator, teammate):
    from notifications import notices

    action.edit(by=coordinator, changes={"owner": teammate})
    notices.on_allocated(action=action, by=coordinator, owner=teammate, previous=owner)
    assert Notification.objects.filter(recipient=teammate, rule=Rule.ALLOCATED).count() == 2
    assert inbox(teammate, rule=Rule.ALLOCATED).count() == 1  # one in the app, one email


def test_a_board_member_who_left_or_was_deactivated_hears_nothing(
    overseen_action, owner, board_member, force
):
    gone = UserFactory(username="gone")
    MembershipFactory(user=gone, force=force, role="board_member")
    overseen_action.finding.board.members.add(gone)
    gone.is_active = False
    gone.save()
    Membership.objects.filter(user=board_member).delete()  # left the force, seat not yet
    submitted(overseen_action, owner)
    assert not Notification.objects.filter(recipient__in=[gone, board_member]).exists()
