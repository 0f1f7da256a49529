"""Which notifications are due on a given day. Pure: no database, no clock.

Every function takes `today` and the facts it needs, so a test can freeze any day. Each
rule gives a *period key*; together with the recipient and channel it becomes the
notification's unique dedupe key, so a rule fires once per period however often (or
however late) the reminders run. A run that was missed catches up: on the day after a
missed "7 days before" reminder the owner still gets it, once, with the real count.
"""

import datetime as dt
from collections.abc import Container, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from .models import ReminderRules, Rule

# Actions submitted for closure wait on the board, not the owner: the owner is not
# chased for them, but escalation still applies.
OWNER_QUIET_STATUSES = frozenset({"submitted", "closed"})


@dataclass(frozen=True)
class Due:
    """A notification that should exist for recipient; `period` keeps it unique."""

    rule: str
    recipient: Any
    period: str
    today: dt.date
    action: Any = None
    meeting: Any = None
    days: int | None = None
    reason: str = ""
    owner_gone: bool = False  # the action's owner has left (the force or the service)

    @property
    def topic(self) -> str:
        """What the notice is about, whoever receives it: rule, action or meeting, period."""
        about = f"a{self.action.pk}" if self.action is not None else f"m{self.meeting.pk}"
        return f"{self.rule}:{about}:{self.period}"

    def key(self, channel: str) -> str:
        """The dedupe key: the topic, for one recipient, through one channel."""
        return f"{self.topic}:u{self.recipient.pk}:{channel}"


# --- one rule each ---------------------------------------------------------------------


def due_reminder_bracket(days_to_due: int, reminder_days: Iterable[int]) -> int | None:
    """The before-due reminder an action is in: the smallest reminder day not yet passed."""
    if days_to_due < 0:
        return None
    reached = [day for day in reminder_days if day >= days_to_due]
    return min(reached) if reached else None


def overdue_reminder_number(days_overdue: int, every: int) -> int | None:
    """0 from the first overdue day, 1 from a week later, and so on; None when not overdue."""
    if days_overdue < 1:
        return None
    return (days_overdue - 1) // every


def is_stale(days_quiet: int, after_days: int) -> bool:
    return days_quiet >= after_days


def update_request_month(
    today: dt.date, request_day: int, created: dt.date, last_update: dt.date | None
) -> str | None:
    """The month to ask for an update in, or None when not due.

    Due from the request day on; not for an action raised on or after that day (it is
    asked next month), nor when the owner has already posted an update this month.
    """
    if today.day < request_day:
        return None
    if created >= today.replace(day=request_day):
        return None
    if last_update is not None and last_update >= today.replace(day=1):
        return None
    return f"{today:%Y-%m}"


def escalation_reasons(
    *, days_overdue: int, days_quiet: int, due_date, last_activity: dt.date, rules
) -> list[tuple[str, str, int]]:
    """(reason, period, days) for each escalation due: overdue too long, or quiet too long."""
    reasons = []
    if due_date is not None and days_overdue > rules.escalate_overdue_after_days:
        reasons.append(("overdue", f"overdue-{due_date.isoformat()}", days_overdue))
    if days_quiet >= rules.escalate_stale_after_days:
        reasons.append(("stale", f"stale-{last_activity.isoformat()}", days_quiet))
    return reasons


def meeting_digest_due(meeting_date: dt.date, today: dt.date, days_before: int) -> bool:
    return 0 <= (meeting_date - today).days <= days_before


# --- all of them -----------------------------------------------------------------------


def last_activity(action) -> dt.date:
    """The day of the action's last update, or of its creation when it has none."""
    moment = action.last_update_at or action.created_at
    return timezone.localdate(moment)


def action_notifications(
    action,
    *,
    today: dt.date,
    rules: ReminderRules,
    coordinators: Iterable,
    board_members: Iterable,
    owner_in_force: bool = True,
) -> list[Due]:
    """Everything one open action asks for today: owner reminders, escalations, reallocation.

    An owner who is no longer a member of the action's force is treated like one whose
    account is inactive: they may not see the action, so they are sent nothing about it,
    and the coordinators are asked to reallocate it.
    """
    due: list[Due] = []
    owner = action.owner
    gone = why_owner_gone(owner, in_force=owner_in_force)
    quiet_since = last_activity(action)
    days_quiet = (today - quiet_since).days
    days_to_due = (action.due_date - today).days if action.due_date else None
    days_overdue = -days_to_due if days_to_due is not None else 0

    if owner is not None and not gone and action.status not in OWNER_QUIET_STATUSES:

        def to_owner(rule, period, days, reason=""):
            due.append(Due(rule, owner, period, today, action=action, days=days, reason=reason))

        if days_to_due is not None:
            bracket = due_reminder_bracket(days_to_due, rules.due_days)
            if bracket is not None:
                to_owner(Rule.DUE_SOON, f"{action.due_date}-{bracket}d", days_to_due)
            number = overdue_reminder_number(days_overdue, rules.overdue_repeat_days)
            if number is not None:
                to_owner(Rule.OVERDUE, f"{action.due_date}-w{number}", days_overdue)
        if is_stale(days_quiet, rules.stale_after_days):
            to_owner(Rule.STALE, f"since-{quiet_since}", days_quiet)
        month = update_request_month(
            today,
            rules.update_request_day,
            timezone.localdate(action.created_at),
            timezone.localdate(action.last_update_at) if action.last_update_at else None,
        )
        if month:
            to_owner(Rule.UPDATE_REQUEST, month, None)

    # Escalation goes over the owner's head, so never to the owner.
    escalate_to = _people(coordinators, board_members, exclude=action.owner_id)
    for reason, period, days in escalation_reasons(
        days_overdue=days_overdue,
        days_quiet=days_quiet,
        due_date=action.due_date,
        last_activity=quiet_since,
        rules=rules,
    ):
        for person in escalate_to:
            due.append(
                Due(
                    Rule.ESCALATION,
                    person,
                    period,
                    today,
                    action=action,
                    days=days,
                    reason=reason,
                    owner_gone=bool(gone),
                )
            )

    if gone:
        for person in _people(coordinators, exclude=owner.pk):
            due.append(
                Due(
                    Rule.OWNER_LEFT,
                    person,
                    f"owner-{owner.pk}",
                    today,
                    action=action,
                    reason=gone,
                    owner_gone=True,
                )
            )
    return due


def why_owner_gone(owner, *, in_force: bool) -> str:
    """Why an owner can no longer be chased: "inactive", "left_force", or "" when they can."""
    if owner is None:
        return ""
    if not owner.is_active:
        return "inactive"
    if not in_force:
        return "left_force"
    return ""


def _people(*groups, exclude=None) -> list:
    """Distinct active users from the groups, in a stable order."""
    seen = {}
    for group in groups:
        for user in group:
            if user.is_active and user.pk != exclude:
                seen.setdefault(user.pk, user)
    return [seen[pk] for pk in sorted(seen)]


def notifications_due(
    *,
    today: dt.date,
    actions: Iterable,
    rules_by_force: Mapping[int, ReminderRules],
    coordinators_by_force: Mapping[int, list],
    members_by_board: Mapping[int, list],
    members_by_force: Mapping[int, Container[int]],
    meetings: Iterable = (),
) -> list[Due]:
    """Every notification due on `today`, from open actions and upcoming meetings.

    members_by_force holds the ids of the users who belong to each force: an owner who is
    not among their action's force's members is no longer reminded about it.
    """
    default = ReminderRules()
    due: list[Due] = []
    for action in actions:
        force_id = action.finding.inspection.force_id
        due += action_notifications(
            action,
            today=today,
            rules=rules_by_force.get(force_id, default),
            coordinators=coordinators_by_force.get(force_id, ()),
            board_members=members_by_board.get(action.finding.board_id, ()),
            owner_in_force=action.owner_id in members_by_force.get(force_id, ()),
        )
    for meeting in meetings:
        rules = rules_by_force.get(meeting.board.force_id, default)
        if not meeting_digest_due(meeting.date, today, rules.meeting_digest_days):
            continue
        for member in _people(members_by_board.get(meeting.board_id, ())):
            due.append(
                Due(
                    Rule.MEETING_DIGEST,
                    member,
                    f"{meeting.date}",
                    today,
                    meeting=meeting,
                    days=(meeting.date - today).days,
                )
            )
    return due
