"""Notices of what happened: work allocated, decided, submitted or added.

The reminders (rules.py) fire on the calendar; these fire on an event, from signals the
layers below send (actions, governance, inspections), inside the transaction that made
the change. Each notice is stored once per event and recipient (a unique dedupe key),
in the app and for email, like a reminder; the email goes at once (after the change is
committed) or waits for the reader's daily digest (send_digests), as they chose.

Nobody is told about their own doing, nobody inactive or no longer a member of the
force is told anything, and a notice names only its own force's records. Notices for a
board or the coordinators are batched: one a day per board (or inspection), listing
each item, so a busy day is one notice, not twenty.
"""

from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from actions.signals import action_allocated, action_moved
from forces.models import Membership
from governance.models import ExtensionRequest
from governance.signals import extension_decided, extension_requested
from inspections.models import Finding
from inspections.signals import finding_added
from ui.text import clip

from . import texts
from .models import Channel, Delivery, Frequency, Notification, Preference, Rule


def _in_force(users, force_id: int, *, by=None) -> list:
    """The users who may be told about the force's records: active members, not the actor."""
    people = {u.pk: u for u in users if u is not None and u.is_active}
    if by is not None:
        people.pop(by.pk, None)
    if not people:
        return []
    members = set(
        Membership.objects.filter(user_id__in=people, force_id=force_id).values_list(
            "user_id", flat=True
        )
    )
    return [people[pk] for pk in sorted(members)]


def _immediate(users) -> set[int]:
    digest = set(
        Preference.objects.filter(user__in=users, email=Frequency.DAILY).values_list(
            "user_id", flat=True
        )
    )
    return {u.pk for u in users} - digest


def _queue(pk: int) -> None:
    from . import tasks

    tasks.deliver_notification.enqueue(pk)


def notice_send(
    *,
    rule: str,
    key: str,
    recipients,
    force_id: int,
    subject: str,
    body: str,
    action=None,
    url: str = "",
    by=None,
    line: str = "",
    batch_subject=None,
) -> list[Notification]:
    """Store a notice for each recipient (in the app and for email) unless already stored.

    key names the event (with rule and recipient it is the dedupe key). A batched notice
    (line given) is one per key: a later event with the same key adds its line to the
    notice, marks it unread again and, while its email has not gone, updates that too.
    batch_subject(n) words the subject of a notice about n items."""
    people = _in_force(recipients, force_id, by=by)
    if not people:
        return []
    with transaction.atomic():
        return _store(people, rule, key, force_id, subject, body, action, url, line, batch_subject)


def _store(people, rule, key, force_id, subject, body, action, url, line, batch_subject):
    now = timezone.now()
    today = timezone.localdate()
    immediate = _immediate(people)
    stored = []
    for person in people:
        for channel in (Channel.IN_APP, Channel.EMAIL):
            dedupe = f"{rule}:{key}:u{person.pk}:{channel}"
            if _add_to_batch(dedupe, channel, line, batch_subject):
                continue
            notification = Notification(
                recipient=person,
                force_id=force_id,
                rule=rule,
                action=action,
                channel=channel,
                for_date=today,
                subject=subject[:250],
                body=f"{body}\n\n{line}" if line else body,
                url=url,
                created_at=now,
                dedupe_key=dedupe,
            )
            if channel == Channel.IN_APP:
                notification.status, notification.sent_at = Delivery.SENT, now
            elif not person.email:
                notification.status = Delivery.SKIPPED
                notification.error = "No email address on the account."
            elif person.pk in immediate:
                notification.queued_at = now
            try:
                # A savepoint: a notice stored meanwhile by someone else is not an error;
                # a batched one gets this event's line added instead.
                with transaction.atomic():
                    notification.save()
            except IntegrityError:
                _add_to_batch(dedupe, channel, line, batch_subject)
                continue
            stored.append(notification)
            if notification.queued_at is not None:
                transaction.on_commit(lambda pk=notification.pk: _queue(pk), robust=True)
    return stored


def _add_to_batch(dedupe: str, channel: str, line: str, batch_subject) -> bool:
    """Add line to the stored notice with this key; False when there is none yet.

    The row is locked while it is changed, so two events at once both get their line.
    An email already sent is left as it went: the notice in the app shows the rest."""
    existing = Notification.objects.select_for_update().filter(dedupe_key=dedupe).first()
    if existing is None:
        return False
    if line and (channel == Channel.IN_APP or existing.status == Delivery.PENDING):
        existing.items += 1
        existing.body = f"{existing.body}\n{line}"
        existing.subject = batch_subject(existing.items)[:250]
        existing.read_at = None
        existing.save(update_fields=["items", "body", "subject", "read_at"])
    return True


# --- the owner's action --------------------------------------------------------------------


@receiver(action_allocated, sender=Action, dispatch_uid="notifications.allocated")
def on_allocated(*, action, by, owner, previous, **kwargs) -> None:
    """The new owner is told the action is theirs; the previous owner that it left them."""
    about = texts.about(action)
    key = f"a{action.pk}:v{action.version}"
    if owner is not None:
        notice_send(
            rule=Rule.ALLOCATED,
            key=key,
            recipients=[owner],
            force_id=action.force_id,
            action=action,
            by=by,
            subject=f"Allocated to you: {action.title}",
            body=(
                f"{texts.name(by)} made you the owner of this action.\n\n{about}\n\n"
                "Open it to read the finding it answers, post progress updates and add "
                "evidence."
            ),
        )
    if previous is not None:
        notice_send(
            rule=Rule.REALLOCATED,
            key=key,
            recipients=[previous],
            force_id=action.force_id,
            action=action,
            by=by,
            subject=f"No longer yours: {action.title}",
            body=(
                f"{texts.name(by)} gave this action to {texts.name(owner)}. You are no "
                f"longer its owner and will not be reminded about it.\n\n{about}"
            ),
        )


MOVE_NOTICES = {
    "return": (Rule.RETURNED, "Returned for more work", "returned your action for more work"),
    "close": (Rule.SIGNED_OFF, "Signed off", "signed off your action: it is closed"),
    "reopen": (Rule.REOPENED, "Reopened", "reopened your action"),
}


@receiver(action_moved, sender=Action, dispatch_uid="notifications.moved")
def on_moved(*, action, move, by, note, at, **kwargs) -> None:
    """The owner hears of a decision on their action; the board of one submitted."""
    if move.name == "submit":
        for_decision(
            action=action,
            by=by,
            line=f"- Submitted for closure: {action.title} ({action.finding.reference}), "
            f"by {texts.name(by)}",
        )
        return
    if move.name not in MOVE_NOTICES:
        return
    rule, label, did = MOVE_NOTICES[move.name]
    why = f"\n\nTheir rationale:\n{note}" if note else ""
    notice_send(
        rule=rule,
        key=f"a{action.pk}:v{action.version}",
        recipients=[action.owner],
        force_id=action.force_id,
        action=action,
        by=by,
        subject=f"{label}: {action.title}",
        body=f"{texts.name(by)} {did}.{why}\n\n{texts.about(action)}",
    )


# --- extension requests --------------------------------------------------------------------


@receiver(extension_requested, sender=ExtensionRequest, dispatch_uid="notifications.ext_asked")
def on_extension_requested(*, request, by, **kwargs) -> None:
    action = request.action
    for_decision(
        action=action,
        by=by,
        line=f"- Extension requested: {action.title} ({action.finding.reference}) to "
        f"{request.requested_due_date:%d %b %Y}, by {texts.name(by)}",
    )


@receiver(extension_decided, sender=ExtensionRequest, dispatch_uid="notifications.ext_decided")
def on_extension_decided(*, request, by, **kwargs) -> None:
    """Whoever asked, and the owner, hear the board's answer and its reason."""
    action = request.action
    approved = request.state == ExtensionRequest.State.APPROVED
    rule = Rule.EXTENSION_APPROVED if approved else Rule.EXTENSION_REJECTED
    outcome = "approved" if approved else "rejected"
    after = (
        f"The due date is now {request.requested_due_date:%d %B %Y}."
        if approved
        else f"The due date stays {action.due_date:%d %B %Y}."
        if action.due_date
        else ""
    )
    notice_send(
        rule=rule,
        key=f"x{request.pk}",
        recipients=[request.requested_by, action.owner],
        force_id=action.force_id,
        action=action,
        by=by,
        subject=f"Extension {outcome}: {action.title}",
        body=(
            f"{texts.name(by)} {outcome} the request for more time, to "
            f"{request.requested_due_date:%d %B %Y}. {after}\n\n"
            f"Their rationale:\n{request.rationale}\n\n{texts.about(action)}"
        ),
    )


# --- the board, the coordinators ----------------------------------------------------------


def for_decision(*, action, by, line: str) -> None:
    """One notice a day per board to its members: what waits for their decision.

    With no board on the finding, the coordinators decide (actions.rules.CLOSERS), so
    they are told instead."""
    board = action.finding.board
    force_id = action.force_id
    if board is not None:
        people, key, who = list(board.members.all()), f"b{board.pk}", f"the {board}"
    else:
        people = [
            m.user
            for m in Membership.objects.filter(force_id=force_id, role="coordinator")
            .select_related("user")
            .order_by("user_id")
        ]
        key, who = f"f{force_id}", "the coordinators (the finding has no board)"
    people = [p for p in people if p.pk != action.owner_id]

    def subject(n: int) -> str:
        return f"{texts.plural(n, 'item')} waiting for your decision"

    notice_send(
        rule=Rule.FOR_DECISION,
        key=f"{key}:{timezone.localdate().isoformat()}",
        recipients=people,
        force_id=force_id,
        by=by,
        url=reverse("governance:review"),
        subject=f"Waiting for your decision: {action.title}",
        body=f"Waiting for a decision by {who}. Each is in your Review queue:",
        line=line,
        batch_subject=subject,
    )


@receiver(finding_added, sender=Finding, dispatch_uid="notifications.finding_added")
def on_finding_added(*, finding, by, **kwargs) -> None:
    """The force's coordinators: a new finding needs an action and an owner.

    One notice a day per inspection, however many findings an import brings."""
    inspection = finding.inspection
    force_id = inspection.force_id
    coordinators = [
        m.user
        for m in Membership.objects.filter(force_id=force_id, role="coordinator").select_related(
            "user"
        )
    ]

    def subject(n: int) -> str:
        return f"{texts.plural(n, 'finding')} to allocate: {inspection.programme}"

    notice_send(
        rule=Rule.TO_ALLOCATE,
        key=f"i{inspection.pk}:{timezone.localdate().isoformat()}",
        recipients=coordinators,
        force_id=force_id,
        by=by,
        url=reverse("actions:unallocated"),
        subject=subject(1),
        body=(
            f"New findings from {inspection.programme} need an action and an owner. "
            "They are on the Findings to allocate page:"
        ),
        line=f"- {finding.reference}: {clip(finding.text, 120)}",
        batch_subject=subject,
    )
