"""Storing and delivering: idempotence, preferences, escalation targets, people who left,
failures and retries, and what the emails say."""

import datetime as dt
import smtplib

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail.backends.locmem import EmailBackend

from audit.models import Event
from forces.models import Membership
from notifications import services, texts
from notifications.models import MAX_ATTEMPTS, Notification, Preference, ReminderRules, Rule
from tests.factories import (
    ActionFactory,
    BoardFactory,
    MeetingFactory,
    MembershipFactory,
    UserFactory,
)
from tests.notifications.support import at, notices, run_on

pytestmark = pytest.mark.django_db

TODAY = dt.date(2024, 3, 12)


def overdue_by(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


@pytest.fixture(autouse=True)
def _the_day_before():
    """The cast and their actions are set up the day before the reminders run."""
    with time_machine.travel(at(TODAY - dt.timedelta(days=1)), tick=True):
        yield


@pytest.fixture
def failing_smtp(monkeypatch):
    """The mail server refuses everything until .fixed is set."""

    class Switch:
        fixed = False
        calls = 0

    real = EmailBackend.send_messages

    def send_messages(self, messages):
        Switch.calls += 1
        if not Switch.fixed:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", send_messages)
    return Switch


def emails(**filters):
    return Notification.objects.filter(channel="email", **filters)


# --- idempotence ---------------------------------------------------------------------------


def test_running_twice_the_same_day_sends_nothing_twice(overseen_action, owner, coordinator):
    overseen_action.due_date = overdue_by(20)
    overseen_action.save()
    run_on(TODAY)
    stored, sent = Notification.objects.count(), len(mail.outbox)
    assert sent >= 3  # the owner's overdue reminder and two escalations at least
    run_on(TODAY)
    with time_machine.travel(at(TODAY, hour=18), tick=False):
        services.reminders_run()
    assert Notification.objects.count() == stored
    assert len(mail.outbox) == sent


def test_every_notice_is_stored_for_the_app_and_for_email(action, owner):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    in_app = notices(recipient=owner, rule=Rule.DUE_SOON).get()
    email = emails(recipient=owner, rule=Rule.DUE_SOON).get()
    assert in_app.status == email.status == "sent"
    assert email.attempts == 1 and email.sent_at is not None
    assert in_app.action == email.action == action
    assert in_app.for_date == TODAY
    assert in_app.dedupe_key != email.dedupe_key


def test_the_command_prints_what_it_did(action):
    action.due_date = TODAY + dt.timedelta(days=1)
    action.save()
    printed = run_on(TODAY)
    assert "Reminders for Tuesday 12 March 2024" in printed
    assert "1 new (each in the app and by email)" in printed
    assert "1 email(s) and 0 daily digest(s) queued" in printed


# --- preferences ---------------------------------------------------------------------------


def _three_due_actions(finding, owner):
    for n in (0, 1, 7):
        ActionFactory(
            finding=finding,
            owner=owner,
            title=f"Action due in {n}",
            due_date=TODAY + dt.timedelta(days=n),
            created_at=at(TODAY),
        )


def test_immediate_readers_get_one_email_per_reminder(finding, owner):
    _three_due_actions(finding, owner)
    run_on(TODAY)
    assert len(mail.outbox) == 3
    assert {m.to[0] for m in mail.outbox} == {owner.email}


def test_digest_readers_get_one_email_a_day_listing_every_reminder(finding, owner):
    Preference.objects.create(user=owner, email="daily")
    _three_due_actions(finding, owner)
    run_on(TODAY)
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert digest.subject == "PEELtrack: your daily digest, 3 reminders"
    for n in (0, 1, 7):
        assert f"Action due in {n}" in digest.body
    assert emails(recipient=owner, status="sent", in_digest=True).count() == 3
    run_on(TODAY)
    assert len(mail.outbox) == 1  # nothing new, so no second digest


# --- escalation ----------------------------------------------------------------------------


def test_escalation_goes_to_the_coordinators_and_the_overseeing_board(
    overseen_action,
    owner,
    teammate,
    coordinator,
    board_member,
    auditor,
    outsider,
    other_board_member,
):
    overseen_action.due_date = overdue_by(15)
    overseen_action.save()
    run_on(TODAY)
    told = set(notices(rule=Rule.ESCALATION).values_list("recipient__username", flat=True))
    assert told == {"coordinator", "board"}
    assert {m.to[0] for m in mail.outbox if m.subject.startswith("Escalation")} == {
        coordinator.email,
        board_member.email,
    }


def test_an_escalation_is_recorded_once_on_the_actions_timeline(overseen_action, coordinator):
    overseen_action.due_date = overdue_by(15)
    overseen_action.save()
    run_on(TODAY)
    run_on(TODAY + dt.timedelta(days=1))
    event = Event.objects.get(verb="action.escalate")
    assert event.action_id == overseen_action.pk
    assert event.summary == f"Escalation: {overseen_action.title} is 15 days overdue"
    assert sorted(event.data["recipients"]) == ["board", "coordinator"]


def test_escalation_without_a_board_goes_to_the_coordinators(action, coordinator, board_member):
    action.due_date = overdue_by(15)
    action.save()
    run_on(TODAY)
    assert list(notices(rule=Rule.ESCALATION).values_list("recipient", flat=True)) == [
        coordinator.pk
    ]


def test_escalation_skips_people_who_left_and_board_members_outside_the_force(
    overseen_action, coordinator, board, force
):
    stranger = UserFactory(username="stranger")  # on the board, but not in the force
    board.members.add(stranger)
    gone = UserFactory(username="gone", is_active=False)
    MembershipFactory(user=gone, force=force, role="coordinator")
    overseen_action.due_date = overdue_by(15)
    overseen_action.save()
    run_on(TODAY)
    told = set(notices(rule=Rule.ESCALATION).values_list("recipient__username", flat=True))
    assert told == {"coordinator", "board"}


def test_a_coordinator_who_owns_the_action_is_not_escalated_to_about_it(
    finding, coordinator, force
):
    other = UserFactory(username="coordinator2")
    MembershipFactory(user=other, force=force, role="coordinator")
    ActionFactory(finding=finding, owner=coordinator, due_date=overdue_by(15))
    run_on(TODAY)
    told = list(notices(rule=Rule.ESCALATION).values_list("recipient__username", flat=True))
    assert told == ["coordinator2"]


# --- people who left -----------------------------------------------------------------------


def test_an_owner_who_left_is_never_emailed_and_coordinators_are_told_to_reallocate(
    action, owner, coordinator
):
    owner.is_active = False
    owner.save()
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    run_on(TODAY + dt.timedelta(days=1))
    assert not Notification.objects.filter(recipient=owner).exists()
    assert owner.email not in {m.to[0] for m in mail.outbox}
    flagged = notices(rule=Rule.OWNER_LEFT).get()
    assert flagged.recipient == coordinator
    assert flagged.link == f"/actions/{action.pk}/edit/"
    assert Event.objects.filter(verb="action.owner_left", action_id=action.pk).count() == 1


def test_an_owner_moved_out_of_the_force_is_not_reminded_and_coordinators_are_told_to_reallocate(
    action, owner, coordinator
):
    Membership.objects.filter(user=owner).delete()  # moved to another force; still active
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    run_on(TODAY + dt.timedelta(days=1))
    assert not Notification.objects.filter(recipient=owner).exists()
    assert owner.email not in {m.to[0] for m in mail.outbox}
    flagged = notices(rule=Rule.OWNER_LEFT).get()
    assert flagged.recipient == coordinator
    assert "is no longer a member of this force" in flagged.body
    assert flagged.link == f"/actions/{action.pk}/edit/"
    assert Event.objects.filter(verb="action.owner_left", action_id=action.pk).count() == 1


def test_an_owner_moved_out_of_the_force_is_not_sent_its_escalations(
    overseen_action, owner, coordinator, board
):
    board.members.add(owner)  # still on the board's list, but no longer in the force
    Membership.objects.filter(user=owner).delete()
    overseen_action.due_date = overdue_by(15)
    overseen_action.save()
    run_on(TODAY)
    assert not Notification.objects.filter(recipient=owner).exists()
    escalation = notices(rule=Rule.ESCALATION, recipient=coordinator).get()
    assert f"Owner: {texts.name(owner)} (has left)" in escalation.body


def test_an_owner_in_another_force_too_is_still_reminded_about_this_ones_actions(
    action, owner, other_force
):
    MembershipFactory(user=owner, force=other_force, role="owner")
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    assert notices(rule=Rule.DUE_SOON, recipient=owner).count() == 1
    assert not notices(rule=Rule.OWNER_LEFT).exists()


def test_someone_moved_out_of_the_force_before_the_email_goes_is_not_emailed(action, owner):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    with time_machine.travel(at(TODAY), tick=False):
        due, rules_by_force = services.reminders_due(TODAY)
        services.notifications_create(due, rules_by_force=rules_by_force)
        Membership.objects.filter(user=owner).delete()
        services.deliveries_queue()
    email = emails(recipient=owner).get()
    assert email.status == "skipped"
    assert "no longer a member of the force" in email.error
    assert mail.outbox == []


def test_a_digest_leaves_out_what_is_about_a_force_the_reader_left(
    action, owner, other_force, coordinator
):
    Preference.objects.create(user=owner, email="daily")
    MembershipFactory(user=owner, force=other_force, role="owner")
    theirs = ActionFactory(
        finding__inspection__force=other_force, owner=owner, due_date=TODAY + dt.timedelta(days=7)
    )
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    with time_machine.travel(at(TODAY), tick=False):
        due, rules_by_force = services.reminders_due(TODAY)
        services.notifications_create(due, rules_by_force=rules_by_force)
        Membership.objects.filter(user=owner, force=action.force_id).delete()
        services.deliveries_queue()
    [digest] = mail.outbox
    assert theirs.title in digest.body
    assert action.title not in digest.body
    assert "1 reminder" in digest.subject
    assert emails(recipient=owner, action=action).get().status == "skipped"
    with pytest.raises(ValidationError, match="no longer a member of the force"):
        services.notification_send_again(
            notification=emails(recipient=owner, action=action).get(), by=coordinator
        )


def test_someone_who_leaves_before_the_email_goes_is_not_emailed(action, owner):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    with time_machine.travel(at(TODAY), tick=False):
        due, rules_by_force = services.reminders_due(TODAY)
        services.notifications_create(due, rules_by_force=rules_by_force)
        owner.is_active = False
        owner.save()
        services.deliveries_queue()
    email = emails(recipient=owner).get()
    assert email.status == "skipped"
    assert "has left" in email.error
    assert mail.outbox == []


def test_no_email_address_is_recorded_not_retried(action, owner):
    owner.email = ""
    owner.save()
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    email = emails(recipient=owner).get()
    assert (email.status, email.error) == ("skipped", "No email address on the account.")
    assert notices(recipient=owner).exists()  # still told in the app


# --- failure and retry ---------------------------------------------------------------------


def test_a_failed_send_is_recorded_and_retried_on_the_next_run(action, owner, failing_smtp):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    email = emails(recipient=owner).get()
    assert (email.status, email.attempts) == ("failed", 1)
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in email.error
    failing_smtp.fixed = True
    run_on(TODAY + dt.timedelta(days=1))
    email.refresh_from_db()
    assert (email.status, email.attempts, email.error) == ("sent", 2, "")
    assert len(mail.outbox) == 1


def test_retries_stop_after_the_limit(action, owner, failing_smtp):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    for n in range(MAX_ATTEMPTS + 2):
        run_on(TODAY + dt.timedelta(days=n))
    email = emails(recipient=owner, rule=Rule.DUE_SOON).get()
    assert (email.status, email.attempts, email.gave_up) == ("failed", MAX_ATTEMPTS, True)


def test_a_failed_digest_is_retried_whole(finding, owner, failing_smtp):
    Preference.objects.create(user=owner, email="daily")
    _three_due_actions(finding, owner)
    run_on(TODAY)
    assert set(emails(recipient=owner).values_list("status", flat=True)) == {"failed"}
    failing_smtp.fixed = True
    run_on(TODAY)
    assert len(mail.outbox) == 1
    assert set(emails(recipient=owner).values_list("status", flat=True)) == {"sent"}


def test_an_email_left_sending_by_a_dead_worker_is_tried_again(action, owner):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    with time_machine.travel(at(TODAY), tick=False):
        due, rules_by_force = services.reminders_due(TODAY)
        services.notifications_create(due, rules_by_force=rules_by_force)
    emails(recipient=owner).update(status="sending", attempts=1, attempted_at=at(TODAY))
    run_on(TODAY)  # the same morning: it may still be on its way
    assert emails(recipient=owner).get().status == "sending"
    with time_machine.travel(at(TODAY, hour=9), tick=False):
        services.deliveries_queue()
    email = emails(recipient=owner).get()
    assert (email.status, email.attempts) == ("sent", 2)


def test_a_coordinator_can_send_a_failed_email_again(action, owner, coordinator, failing_smtp):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    for n in range(MAX_ATTEMPTS):
        run_on(TODAY + dt.timedelta(days=n))
    email = emails(recipient=owner).get()
    failing_smtp.fixed = True
    services.notification_send_again(notification=email, by=coordinator)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert Event.objects.filter(verb="notification.resend", action_id=action.pk).exists()


def test_only_a_coordinator_of_the_force_may_send_again(action, owner, outsider, failing_smtp):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    email = emails(recipient=owner).get()
    for person in (owner, outsider):
        with pytest.raises(PermissionDenied):
            services.notification_send_again(notification=email, by=person)


# --- what the emails say -------------------------------------------------------------------


def test_the_email_has_plain_text_and_html_with_an_absolute_link(action, owner):
    action.due_date = TODAY + dt.timedelta(days=7)
    action.save()
    run_on(TODAY)
    message = mail.outbox[0]
    link = f"https://peeltrack.example.police.uk/actions/{action.pk}/"
    assert message.subject == f"Due in 7 days: {action.title}"
    assert message.to == [owner.email]
    assert link in message.body
    assert "Due: 19 March 2024" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "https://peeltrack.example.police.uk/notifications/preferences/" in html


def test_html_emails_escape_what_users_typed(finding, owner):
    ActionFactory(
        finding=finding,
        owner=owner,
        title="<script>alert(1)</script>",
        due_date=TODAY + dt.timedelta(days=7),
    )
    run_on(TODAY)
    html = mail.outbox[0].alternatives[0][0]
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_board_members_get_a_digest_of_the_pack_before_a_meeting(
    overseen_action, owner, board, board_member
):
    overseen_action.status = "submitted"
    overseen_action.save()
    MeetingFactory(board=board, date=TODAY + dt.timedelta(days=3), title="Quarterly review")
    run_on(TODAY - dt.timedelta(days=1))
    assert not notices(rule=Rule.MEETING_DIGEST).exists()
    run_on(TODAY)
    run_on(TODAY + dt.timedelta(days=1))
    digest = notices(rule=Rule.MEETING_DIGEST).get()
    assert digest.recipient == board_member
    assert digest.subject == "Management board meets 15 March: your pack"
    assert "Submitted for closure, for your decision (1):" in digest.body
    assert f"- {overseen_action.title}" in digest.body
    assert "Extension requests (0):" in digest.body
    html = next(m for m in mail.outbox if "your pack" in m.subject).alternatives[0][0]
    assert "<li>" in html


def test_a_meeting_of_another_board_sends_nothing_to_this_boards_members(board_member, force):
    other = BoardFactory(force=force, name="Ethics")
    MeetingFactory(board=other, date=TODAY)
    run_on(TODAY)
    assert not notices(recipient=board_member).exists()


def test_rules_default_when_a_force_has_none_saved(force):
    assert not ReminderRules.objects.exists()
    assert ReminderRules().due_days == [30, 7, 1, 0]


@pytest.mark.parametrize("rows", [5, 50])
def test_deciding_what_is_due_costs_the_same_queries_for_5_or_50_actions(
    overseen_action, coordinator, board, rows, django_assert_max_num_queries
):
    for n in range(rows):
        ActionFactory(finding=overseen_action.finding, due_date=overdue_by(n + 1))
    MeetingFactory(board=board, date=TODAY + dt.timedelta(days=1))
    # actions (with owners, findings, boards), memberships in force, coordinators,
    # board seats, rules, meetings
    with django_assert_max_num_queries(6):
        due, _rules = services.reminders_due(TODAY)
    assert len(due) > rows
