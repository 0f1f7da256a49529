"""Every rule boundary, on a frozen clock: the pure rules, then day by day through the command."""

import datetime as dt
from types import SimpleNamespace

import pytest
import time_machine

from notifications import rules
from notifications.models import ReminderRules, Rule
from tests.factories import ActionFactory, UpdateFactory
from tests.notifications.support import at, notices, run_on

DUE = dt.date(2024, 6, 28)


def days(n: int) -> dt.date:
    """The day n days after the due date (negative: before it)."""
    return DUE + dt.timedelta(days=n)


# --- the pure rules ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_to_due", "bracket"),
    [(31, None), (30, 30), (29, 30), (8, 30), (7, 7), (2, 7), (1, 1), (0, 0), (-1, None)],
)
def test_a_due_reminder_falls_in_the_bracket_of_the_nearest_reminder_day(days_to_due, bracket):
    assert rules.due_reminder_bracket(days_to_due, [30, 7, 1, 0]) == bracket


@pytest.mark.parametrize(
    ("days_overdue", "number"),
    [(0, None), (1, 0), (7, 0), (8, 1), (14, 1), (15, 2), (22, 3)],
)
def test_overdue_reminders_come_on_the_first_overdue_day_and_weekly_after(days_overdue, number):
    assert rules.overdue_reminder_number(days_overdue, 7) == number


def test_staleness_starts_at_fourteen_days_without_an_update():
    assert not rules.is_stale(13, 14)
    assert rules.is_stale(14, 14)


def test_the_update_request_is_monthly_from_the_request_day():
    raised = dt.date(2024, 1, 10)
    assert rules.update_request_month(dt.date(2024, 3, 1), 1, raised, None) == "2024-03"
    assert rules.update_request_month(dt.date(2024, 3, 9), 1, raised, None) == "2024-03"
    assert rules.update_request_month(dt.date(2024, 3, 4), 5, raised, None) is None


def test_no_update_request_for_an_action_raised_this_month_or_already_updated():
    first = dt.date(2024, 3, 1)
    assert rules.update_request_month(first, 1, first, None) is None
    assert rules.update_request_month(dt.date(2024, 3, 3), 1, dt.date(2024, 2, 1), first) is None
    assert rules.update_request_month(first, 1, dt.date(2024, 2, 1), dt.date(2024, 2, 29))


def test_escalation_is_for_more_than_fourteen_days_overdue_or_twenty_eight_quiet():
    config = ReminderRules()

    def reasons(overdue, quiet):
        found = rules.escalation_reasons(
            days_overdue=overdue,
            days_quiet=quiet,
            due_date=DUE,
            last_activity=DUE,
            rules=config,
        )
        return [reason for reason, _period, _days in found]

    assert reasons(14, 27) == []
    assert reasons(15, 27) == ["overdue"]
    assert reasons(0, 28) == ["stale"]
    assert reasons(20, 30) == ["overdue", "stale"]


def test_the_meeting_digest_is_due_in_the_days_before_the_meeting():
    meeting = dt.date(2024, 7, 10)
    assert not rules.meeting_digest_due(meeting, dt.date(2024, 7, 6), 3)
    assert rules.meeting_digest_due(meeting, dt.date(2024, 7, 7), 3)
    assert rules.meeting_digest_due(meeting, dt.date(2024, 7, 10), 3)
    assert not rules.meeting_digest_due(meeting, dt.date(2024, 7, 11), 3)


def test_the_rules_need_no_database():
    owner = SimpleNamespace(pk=1, is_active=True)
    coordinator = SimpleNamespace(pk=2, is_active=True)
    action = SimpleNamespace(
        pk=9,
        owner=owner,
        owner_id=1,
        status="in_progress",
        due_date=DUE,
        created_at=at(days(-60)),
        last_update_at=at(days(-3)),
        finding=SimpleNamespace(board_id=None),
    )
    due = rules.action_notifications(
        action, today=days(-7), rules=ReminderRules(), coordinators=[coordinator], board_members=[]
    )
    assert [(d.rule, d.recipient.pk, d.key("email")) for d in due] == [
        (Rule.DUE_SOON, 1, "due_soon:a9:2024-06-28-7d:u1:email")
    ]


def test_an_owner_outside_the_actions_force_is_sent_nothing_and_coordinators_reallocate():
    owner = SimpleNamespace(pk=1, is_active=True)
    coordinator = SimpleNamespace(pk=2, is_active=True)
    action = SimpleNamespace(
        pk=9,
        owner=owner,
        owner_id=1,
        status="in_progress",
        due_date=days(-20),
        created_at=at(days(-90)),
        last_update_at=at(days(-40)),
        finding=SimpleNamespace(board_id=None),
    )
    due = rules.action_notifications(
        action,
        today=days(0),
        rules=ReminderRules(),
        coordinators=[coordinator],
        board_members=[],
        owner_in_force=False,
    )
    assert {d.recipient.pk for d in due} == {2}
    assert {(d.rule, d.owner_gone) for d in due} == {
        (Rule.ESCALATION, True),
        (Rule.OWNER_LEFT, True),
    }
    assert [d.reason for d in due if d.rule == Rule.OWNER_LEFT] == ["left_force"]


# --- day by day, through send_reminders ----------------------------------------------------


@pytest.fixture(autouse=True)
def _months_before():
    """The cast is set up well before the due date."""
    with time_machine.travel(at(days(-100)), tick=True):
        yield


@pytest.fixture
def quiet_rules(force):
    """The force's rules with staleness pushed out of the way, to watch the due dates alone."""
    return ReminderRules.objects.create(
        force=force, stale_after_days=300, escalate_stale_after_days=400
    )


def run_days(first: int, last: int) -> None:
    """Run the reminders every morning from first to last (days relative to DUE)."""
    for n in range(first, last + 1):
        run_on(days(n))


def fired_on(**filters) -> list[int]:
    """The days (relative to DUE) on which matching notices were sent."""
    return [(n.for_date - DUE).days for n in notices(**filters)]


def test_the_owner_is_reminded_30_7_and_1_days_before_and_on_the_due_date(
    db, finding, owner, quiet_rules
):
    ActionFactory(finding=finding, owner=owner, due_date=DUE, created_at=at(days(-90)))
    run_days(-32, 0)
    assert fired_on(rule=Rule.DUE_SOON, recipient=owner) == [-30, -7, -1, 0]
    subjects = list(notices(rule=Rule.DUE_SOON).values_list("subject", flat=True))
    assert subjects[0].startswith("Due in 30 days:")
    assert subjects[2].startswith("Due tomorrow:")
    assert subjects[3].startswith("Due today:")


def test_overdue_reminders_start_the_day_after_the_due_date_and_repeat_weekly(
    db, finding, owner, quiet_rules
):
    ActionFactory(finding=finding, owner=owner, due_date=DUE, created_at=at(days(-90)))
    run_days(0, 23)
    assert fired_on(rule=Rule.OVERDUE, recipient=owner) == [1, 8, 15, 22]
    assert notices(rule=Rule.OVERDUE).first().subject.startswith("Overdue by 1 day:")
    assert notices(rule=Rule.OVERDUE).last().subject.startswith("Overdue by 22 days:")


def test_a_missed_run_catches_up_once_with_the_true_count(db, finding, owner, quiet_rules):
    ActionFactory(finding=finding, owner=owner, due_date=DUE, created_at=at(days(-90)))
    run_on(days(-5))  # the server was down on the 7-days-before morning
    run_on(days(-4))
    reminders = notices(rule=Rule.DUE_SOON)
    assert reminders.count() == 1
    assert reminders.get().subject.startswith("Due in 5 days:")


def test_escalation_comes_when_overdue_by_more_than_14_days(
    db, overseen_action, coordinator, quiet_rules
):
    overseen_action.due_date = DUE
    overseen_action.created_at = at(days(-90))
    overseen_action.save()
    run_days(13, 20)
    assert fired_on(rule=Rule.ESCALATION, recipient=coordinator) == [15]


def test_a_stale_notice_at_14_days_without_an_update_and_escalation_at_28(
    db, overseen_action, owner, coordinator, board_member
):
    overseen_action.due_date = days(365)
    overseen_action.save()
    UpdateFactory(action=overseen_action)
    type(overseen_action).objects.filter(pk=overseen_action.pk).update(
        last_update_at=at(days(0), hour=12), created_at=at(days(-10))
    )
    run_days(1, 30)
    assert fired_on(rule=Rule.STALE, recipient=owner) == [14]
    assert fired_on(rule=Rule.ESCALATION, recipient=coordinator) == [28]
    assert fired_on(rule=Rule.ESCALATION, recipient=board_member) == [28]
    assert notices(rule=Rule.STALE).get().subject.startswith("No update for 14 days:")


def test_an_update_resets_the_stale_clock(db, action, owner):
    type(action).objects.filter(pk=action.pk).update(created_at=at(days(-20)))
    run_on(days(-6))
    type(action).objects.filter(pk=action.pk).update(last_update_at=at(days(-5), hour=12))
    run_days(-4, 14)
    assert fired_on(rule=Rule.STALE) == [-6, 9]  # 14 days after creation, then after the update


def test_owners_are_asked_for_an_update_each_month(db, finding, owner):
    action = ActionFactory(
        finding=finding, owner=owner, due_date=dt.date(2025, 1, 1), created_at=at(days(-90))
    )
    first_of_july = dt.date(2024, 7, 1)
    type(action).objects.filter(pk=action.pk).update(last_update_at=at(dt.date(2024, 6, 20)))
    run_on(dt.date(2024, 6, 30))
    run_on(first_of_july)
    run_on(first_of_july + dt.timedelta(days=1))
    requests = notices(rule=Rule.UPDATE_REQUEST)
    assert requests.count() == 1
    assert requests.get().for_date == first_of_july


def test_a_force_can_change_its_rules(db, force, finding, owner):
    ReminderRules.objects.create(
        force=force, due_reminder_days="14", stale_after_days=300, escalate_stale_after_days=400
    )
    ActionFactory(finding=finding, owner=owner, due_date=DUE, created_at=at(days(-90)))
    run_days(-31, 0)
    assert fired_on(rule=Rule.DUE_SOON) == [-14]


def test_closed_and_submitted_actions_do_not_chase_their_owner(db, finding, owner, quiet_rules):
    for status in ("closed", "submitted"):
        ActionFactory(
            finding=finding, owner=owner, status=status, due_date=DUE, created_at=at(days(-90))
        )
    run_on(days(-7))
    run_on(days(1))
    assert not notices(recipient=owner).exists()
