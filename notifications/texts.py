"""What each notice says: a subject and a plain-text body, the same in the app and by email.

Bodies are plain text. A paragraph whose lines all start with "- " is a list; the HTML
email and the notification page show it as one.
"""

from governance.selectors import meeting_pack

from .models import Rule
from .rules import Due


def name(user) -> str:
    if user is None:
        return "nobody"
    return user.get_full_name() or user.get_username()


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def when(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    return f"in {days} days"


def _about(action) -> str:
    finding = action.finding
    due = f"{action.due_date:%d %B %Y}" if action.due_date else "not set"
    return "\n".join(
        [
            f"Action: {action.title}",
            f"Finding: {finding.reference}, {finding.inspection.programme}",
            f"Status: {action.get_status_display()}, {action.progress}% complete",
            f"Due: {due}",
        ]
    )


def about(action) -> str:
    """The action's title, finding, status and due date, as a notice quotes them."""
    return _about(action)


def compose(due: Due, rules=None) -> tuple[str, str]:
    """(subject, body) for a due notification."""
    rule = due.rule
    action = due.action
    if rule == Rule.MEETING_DIGEST:
        return meeting_digest(due)
    about = _about(action)
    if rule == Rule.DUE_SOON:
        subject = f"Due {when(due.days)}: {action.title}"
        body = (
            f"Your action is due {when(due.days)}, on {action.due_date:%A %d %B %Y}.\n\n"
            f"{about}\n\n"
            "If it will not be finished in time, ask the board for an extension before the "
            "due date, saying why."
        )
    elif rule == Rule.OVERDUE:
        subject = f"Overdue by {plural(due.days, 'day')}: {action.title}"
        body = (
            f"Your action was due on {action.due_date:%A %d %B %Y} and is now "
            f"{plural(due.days, 'day')} overdue.\n\n{about}\n\n"
            "Post an update saying where it stands, submit it for closure with its evidence, "
            "or ask the board for an extension."
        )
        if rules is not None and due.days <= rules.escalate_overdue_after_days:
            body += (
                f"\n\nAn action overdue by more than "
                f"{plural(rules.escalate_overdue_after_days, 'day')} is escalated to the "
                "coordinators and the overseeing board."
            )
    elif rule == Rule.STALE:
        subject = f"No update for {plural(due.days, 'day')}: {action.title}"
        body = (
            f"Your action has had no progress update for {plural(due.days, 'day')}.\n\n"
            f"{about}\n\n"
            "Post an update so the coordinators and the board can see where it stands, even "
            "if nothing has moved."
        )
        if rules is not None:
            body += (
                f"\n\nAn action with no update for "
                f"{plural(rules.escalate_stale_after_days, 'day')} is escalated to the "
                "coordinators and the overseeing board."
            )
    elif rule == Rule.UPDATE_REQUEST:
        subject = f"Monthly update request: {action.title}"
        body = (
            f"Please post this month's progress update on your action: what has been done, "
            f"how far it has got and whether it is on track (RAG).\n\n{about}"
        )
    elif rule == Rule.ESCALATION:
        board = action.finding.board
        why = (
            f"is {plural(due.days, 'day')} overdue"
            if due.reason == "overdue"
            else f"has had no progress update for {plural(due.days, 'day')}"
        )
        subject = f"Escalation: {action.title} {why}"
        last = action.last_update_at
        body = (
            f"This action {why}, so it is escalated to the coordinators"
            f"{f' and the members of the {board}' if board else ''}.\n\n"
            f"{about}\n"
            f"Owner: {name(action.owner)}"
            f"{' (has left)' if due.owner_gone else ''}\n"
            f"Last update: {f'{last:%d %B %Y}' if last else 'none yet'}\n\n"
            "Agree a way forward with the owner: a recovery plan, an extension, or a new owner."
        )
    elif rule == Rule.OWNER_LEFT:
        subject = f"Reallocate: {action.title} (owner has left)"
        why = (
            "is no longer a member of this force"
            if due.reason == "left_force"
            else "no longer has an active account"
        )
        body = (
            f"{name(action.owner)} {why}, so nobody is being reminded about this action."
            f"\n\n{about}\n\n"
            "Choose a new owner for it."
        )
    else:  # pragma: no cover - every rule is handled above
        raise ValueError(f"Unknown rule {rule!r}")
    return subject[:250], body


def meeting_digest(due: Due) -> tuple[str, str]:
    """A board member's digest of the pack for an upcoming meeting."""
    meeting = due.meeting
    board = meeting.board
    pack = meeting_pack(board, due.today)

    def action_line(a):
        due_text = f"due {a.due_date:%d %b %Y}" if a.due_date else "no due date"
        return f"- {a.title} ({a.finding.reference}), {name(a.owner)}, {due_text}"

    sections = [
        ("Submitted for closure, for your decision", pack["submitted"], action_line),
        (
            "Extension requests",
            pack["extensions"],
            lambda e: (
                f"- {e.action.title}: to {e.requested_due_date:%d %b %Y}, asked by "
                f"{name(e.requested_by)}"
            ),
        ),
        ("Overdue", pack["overdue"], action_line),
        ("Due in the next 30 days", pack["due_soon"], action_line),
        ("No update in 14 days", pack["stale"], action_line),
    ]
    title = f" ({meeting.title})" if meeting.title else ""
    lines = [
        f"The {board} meets {when(due.days)}, on {meeting.date:%A %d %B %Y}{title}. "
        "This is what is in your pack."
    ]
    for heading, rows, line in sections:
        rows = list(rows)
        lines.append(f"{heading} ({len(rows)}):")
        lines.append("\n".join(line(r) for r in rows) if rows else "None.")
    subject = f"{board} meets {meeting.date:%d %B}: your pack"
    return subject[:250], "\n\n".join(lines)
