"""Create the notifications the rules ask for, and deliver them.

In the app a notification is delivered the moment it is stored. Email goes through the
task queue (django-tasks), one message per notification or one daily digest per person,
as each person prefers. A send that fails is recorded and tried again on the next run,
up to MAX_ATTEMPTS; coordinators see what failed. Nobody inactive is ever emailed.
"""

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from audit.models import Event
from forces.models import Board, Membership
from forces.roles import can_manage_force
from governance.models import Meeting

from . import rules, texts
from .models import (
    Channel,
    Delivery,
    Digest,
    Frequency,
    Notification,
    Preference,
    ReminderRules,
    Rule,
    absolute_url,
)

logger = logging.getLogger(__name__)

# How long the worker is trusted with an email. After this, one left "sending" (the
# worker died mid-send) counts as a failed attempt, and one still waiting is queued again.
STUCK_AFTER = dt.timedelta(hours=1)


@dataclass
class RunReport:
    """What one run of the reminders did."""

    today: dt.date
    due: int = 0  # notices the rules ask for today, new or not
    created: int = 0  # new notices, each stored for the app and for email
    emails_queued: int = 0
    digests_queued: int = 0
    escalated: int = 0

    def as_dict(self) -> dict:
        return {**asdict(self), "today": self.today.isoformat()}


# --- deciding ----------------------------------------------------------------------------


def reminders_facts(today: dt.date) -> dict:
    """Everything the rules need, from a fixed number of queries."""
    next_day = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=1), dt.time.min))
    actions = (
        Action.objects.open()
        .filter(created_at__lt=next_day)
        .select_related("owner", "finding__inspection", "finding__board")
        .order_by("pk")
    )
    in_force = set(
        Membership.objects.filter(user__is_active=True).values_list("force_id", "user_id")
    )
    # An owner moved out of the action's force is not reminded about it (they cannot
    # open it); the coordinators are asked to reallocate it instead.
    members_by_force = defaultdict(set)
    for force_id, user_id in in_force:
        members_by_force[force_id].add(user_id)
    coordinators = defaultdict(list)
    for membership in Membership.objects.filter(
        role="coordinator", user__is_active=True
    ).select_related("user"):
        coordinators[membership.force_id].append(membership.user)
    # Only board members who belong to the board's force can open what they are sent.
    members = defaultdict(list)
    for seat in Board.members.through.objects.filter(user__is_active=True).select_related(
        "user", "board"
    ):
        if (seat.board.force_id, seat.user_id) in in_force:
            members[seat.board_id].append(seat.user)
    rules_by_force = ReminderRules.for_forces()
    horizon = max(
        [r.meeting_digest_days for r in rules_by_force.values()]
        + [ReminderRules().meeting_digest_days]
    )
    meetings = Meeting.objects.filter(
        date__gte=today, date__lte=today + dt.timedelta(days=horizon)
    ).select_related("board")
    return {
        "today": today,
        "actions": actions,
        "rules_by_force": rules_by_force,
        "coordinators_by_force": coordinators,
        "members_by_board": members,
        "members_by_force": members_by_force,
        "meetings": meetings,
    }


def reminders_due(today: dt.date) -> tuple[list[rules.Due], dict]:
    """The notifications due on today, and the per-force rules they were decided by."""
    facts = reminders_facts(today)
    return rules.notifications_due(**facts), facts["rules_by_force"]


def reminders_run(*, today: dt.date | None = None) -> RunReport:
    """The daily job: store what is due (once), then queue the emails still to send."""
    today = today or timezone.localdate()
    due, rules_by_force = reminders_due(today)
    report = RunReport(today=today, due=len(due))
    created = notifications_create(due, rules_by_force=rules_by_force)
    report.created = sum(1 for n in created if n.channel == Channel.IN_APP)
    report.escalated = len(
        {n.action_id for n in created if n.rule == Rule.ESCALATION and n.channel == Channel.IN_APP}
    )
    report.emails_queued, report.digests_queued = deliveries_queue()
    return report


# --- storing -----------------------------------------------------------------------------


def _force_id(due: rules.Due) -> int:
    if due.action is not None:
        return due.action.finding.inspection.force_id
    return due.meeting.board.force_id


def notifications_create(due: list[rules.Due], *, rules_by_force=None) -> list[Notification]:
    """Store an in-app and an email notification for each due item not already stored."""
    rules_by_force = rules_by_force if rules_by_force is not None else {}
    channels = [Channel.IN_APP.value, Channel.EMAIL.value]
    wanted = {item.key(channel): (item, channel) for item in due for channel in channels}
    keys = list(wanted)
    existing = set()
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        existing |= set(
            Notification.objects.filter(dedupe_key__in=chunk).values_list("dedupe_key", flat=True)
        )
    now = timezone.now()
    words = {}  # the text depends on the topic, not on who reads it
    new = []
    for key, (item, channel) in wanted.items():
        if key in existing:
            continue
        force_id = _force_id(item)
        if item.topic not in words:
            words[item.topic] = texts.compose(item, rules_by_force.get(force_id, ReminderRules()))
        subject, body = words[item.topic]
        notification = Notification(
            recipient=item.recipient,
            force_id=force_id,
            rule=item.rule,
            action=item.action,
            meeting=item.meeting,
            channel=channel,
            for_date=item.today,
            subject=subject,
            body=body,
            created_at=now,
            dedupe_key=key,
        )
        if channel == Channel.IN_APP:
            notification.status, notification.sent_at = Delivery.SENT, now
        elif not item.recipient.email:
            notification.status = Delivery.SKIPPED
            notification.error = "No email address on the account."
        new.append(notification)
    with transaction.atomic():
        # ignore_conflicts: a second run at the same moment must not fail, nor duplicate.
        Notification.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
        _record_escalations(new)
    return new


def _record_escalations(new: list[Notification]) -> None:
    """One audit event per action escalated or flagged for reallocation, on its timeline."""
    groups = defaultdict(list)
    for n in new:
        if n.channel == Channel.IN_APP and n.rule in {Rule.ESCALATION, Rule.OWNER_LEFT}:
            groups[(n.action_id, n.rule, n.subject)].append(n)
    for notes in groups.values():
        first = notes[0]
        names = ", ".join(sorted(texts.name(n.recipient) for n in notes))
        if first.rule == Rule.ESCALATION:
            verb, summary = "action.escalate", first.subject
        else:
            verb, summary = "action.owner_left", "Owner has left: flagged for reallocation"
        Event.record(
            None,
            verb,
            first.action,
            summary=summary,
            note=f"Sent to {names}.",
            rule=first.rule,
            recipients=sorted(n.recipient.get_username() for n in notes),
        )


# --- delivering --------------------------------------------------------------------------


def deliveries_queue(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Queue every email still to send: one task each, or one digest per digest reader."""
    from . import tasks

    now = now or timezone.now()
    Notification.objects.email().filter(
        status=Delivery.SENDING, attempted_at__lt=now - STUCK_AFTER
    ).update(status=Delivery.FAILED, error="Sending was interrupted before it finished.")
    # An email queued within the hour is still with the worker: do not queue it twice.
    waiting = list(
        Notification.objects.retryable()
        .exclude(status=Delivery.PENDING, queued_at__gte=now - STUCK_AFTER)
        .values_list("pk", "recipient_id")
    )
    ids = [pk for pk, _user_id in waiting]
    for start in range(0, len(ids), 500):
        Notification.objects.filter(pk__in=ids[start : start + 500]).update(queued_at=now)
    digest_readers = set(
        Preference.objects.filter(email=Frequency.DAILY).values_list("user_id", flat=True)
    )
    singles = [pk for pk, user_id in waiting if user_id not in digest_readers]
    digests = sorted({user_id for _, user_id in waiting if user_id in digest_readers})
    for pk in singles:
        tasks.deliver_notification.enqueue(pk)
    for user_id in digests:
        tasks.deliver_digest.enqueue(user_id)
    return len(singles), len(digests)


def _claim(pk: int, now: dt.datetime) -> bool:
    """Take one email for sending; False if it is sent, being sent, or out of tries.

    A conditional update, so two workers given the same notification never both send it.
    """
    return bool(
        Notification.objects.retryable()
        .filter(pk=pk)
        .update(status=Delivery.SENDING, attempted_at=now, attempts=F("attempts") + 1)
    )


def _refusal(user) -> str:
    if not user.is_active:
        return f"{texts.name(user)} has left (account inactive): never emailed."
    if not user.email:
        return "No email address on the account."
    return ""


def _outside_force(user, notifications: list[Notification]) -> list[Notification]:
    """Skip the notices about a force the user no longer belongs to; return the rest.

    Someone moved to another force between the notice and its email is not sent the old
    force's details. An inactive account is left to _send, which refuses it with that reason.
    """
    if not user.is_active:
        return notifications
    forces = set(Membership.objects.filter(user=user).values_list("force_id", flat=True))
    outside = [n.pk for n in notifications if n.force_id is not None and n.force_id not in forces]
    if outside:
        Notification.objects.filter(pk__in=outside).update(
            status=Delivery.SKIPPED,
            error=f"{texts.name(user)} is no longer a member of the force: never emailed.",
        )
    return [n for n in notifications if n.pk not in outside]


def _message(user, subject: str, notifications: list[Notification], digest: bool):
    context = {
        "user": user,
        "name": texts.name(user),
        "notifications": notifications,
        "digest": digest,
        "inbox_url": absolute_url(reverse("notifications:list")),
        "preferences_url": absolute_url(reverse("notifications:preferences")),
    }
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("notifications/email/message.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        # Which notices the email carries: mail logs can then tell a resend from a repeat.
        headers={"X-PEELtrack-Notices": ",".join(str(n.pk) for n in notifications)},
    )
    message.attach_alternative(
        render_to_string("notifications/email/message.html", context), "text/html"
    )
    return message


def _send(user, subject: str, notifications: list[Notification], *, digest: bool) -> str:
    """Send one email covering notifications and record the result on each of them."""
    ids = [n.pk for n in notifications]
    refusal = _refusal(user)
    if refusal:
        Notification.objects.filter(pk__in=ids).update(status=Delivery.SKIPPED, error=refusal)
        return f"not sent: {refusal}"
    try:
        _message(user, subject, notifications, digest).send()
    except Exception as error:  # any failure to hand over the email is recorded and retried
        logger.exception("Email to user %s failed", user.pk)  # an id: no names in logs
        reason = f"{type(error).__name__}: {error}"[:1000]
        Notification.objects.filter(pk__in=ids).update(status=Delivery.FAILED, error=reason)
        return f"failed: {reason}"
    Notification.objects.filter(pk__in=ids).update(
        status=Delivery.SENT, sent_at=timezone.now(), error="", in_digest=digest
    )
    return f"sent to {user.email}"


def notification_deliver(notification_id: int) -> str:
    """Email one notification, if it still needs sending."""
    if not _claim(notification_id, timezone.now()):
        return "nothing to send"
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    if not _outside_force(notification.recipient, [notification]):
        return "not sent: the recipient is no longer a member of the force"
    return _send(notification.recipient, notification.subject, [notification], digest=False)


def digest_deliver(user_id: int, day: str | None = None) -> str:
    """Email one person everything waiting for them, in a single digest: one a day.

    The day's Digest row is claimed before sending, so a second run (or a second worker)
    the same day sends nothing; it is given back if the email fails, to be tried again."""
    user = get_user_model().objects.get(pk=user_id)
    now = timezone.now()
    today = dt.date.fromisoformat(day) if day else timezone.localdate()
    waiting = Notification.objects.retryable().filter(recipient=user)
    if not waiting.exists():
        return "nothing to send"
    try:
        with transaction.atomic():
            digest = Digest.objects.create(user=user, day=today, sent_at=now)
    except IntegrityError:
        return "already sent today"
    claimed = [pk for pk in waiting.values_list("pk", flat=True) if _claim(pk, now)]
    if not claimed:
        digest.delete()
        return "nothing to send"
    notifications = list(
        Notification.objects.filter(pk__in=claimed)
        .select_related("action", "meeting")
        .order_by("rule", "created_at", "pk")
    )
    notifications = _outside_force(user, notifications)
    if not notifications:
        digest.delete()
        return "not sent: the recipient is no longer a member of the force"
    subject = f"PEELtrack: your daily digest, {texts.plural(len(notifications), 'reminder')}"
    result = _send(user, subject, notifications, digest=True)
    if result.startswith("sent"):
        Digest.objects.filter(pk=digest.pk).update(notices=len(notifications))
    else:
        digest.delete()
    return result


def digests_queue(*, today: dt.date | None = None) -> int:
    """The daily digests: one task for each digest reader with something waiting and no
    digest sent yet today. Safe to run as often as you like (send_digests)."""
    from . import tasks

    today = today or timezone.localdate()
    readers = Preference.objects.filter(email=Frequency.DAILY).values("user_id")
    sent = Digest.objects.filter(day=today).values("user_id")
    users = sorted(
        set(
            Notification.objects.retryable()
            .filter(recipient_id__in=readers)
            .exclude(recipient_id__in=sent)
            .values_list("recipient_id", flat=True)
        )
    )
    for user_id in users:
        tasks.deliver_digest.enqueue(user_id, today.isoformat())
    return len(users)


# --- what people do ----------------------------------------------------------------------


def notifications_mark_read(*, user, ids=None) -> int:
    """Mark the user's own in-app notifications as read (all of them when ids is None)."""
    unread = Notification.objects.visible_to(user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


def preference_set(*, user, email: str) -> Preference:
    """Choose immediate emails or a daily digest; the change is audited."""
    if email not in Frequency.values:
        raise ValidationError({"email": "Choose how often to be emailed."})
    preference = Preference.for_user(user)
    before = preference.email if preference.pk else None
    if before == email:
        return preference
    with transaction.atomic():
        preference.email = email
        preference.save()
        Event.record(
            user,
            "notifications.preference",
            preference,
            summary=f"Reminder emails: {preference.get_email_display()}",
            changes={"email": [before, email]},
        )
    return preference


def can_chase(user, force_id: int | None) -> bool:
    """Coordinators see and resend their force's deliveries."""
    return force_id is not None and can_manage_force(user, force_id)


def notification_send_again(*, notification: Notification, by) -> None:
    """A coordinator sends a failed email again (after fixing an address, say)."""
    from . import tasks

    if not can_chase(by, notification.force_id):
        raise PermissionDenied("Only a coordinator of the force may send this again.")
    if notification.channel != Channel.EMAIL or notification.status not in {
        Delivery.FAILED,
        Delivery.SKIPPED,
    }:
        raise ValidationError("Only an email that failed or was not sent can be sent again.")
    refusal = _refusal(notification.recipient)
    if not refusal and notification.force_id is not None:
        member = Membership.objects.filter(
            user=notification.recipient, force_id=notification.force_id
        ).exists()
        if not member:
            refusal = f"{texts.name(notification.recipient)} is no longer a member of the force."
    if refusal:
        raise ValidationError(f"Not sent again: {refusal}")
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(
            status=Delivery.PENDING, attempts=0, error=""
        )
        Event.record(
            by,
            "notification.resend",
            notification,
            summary=f"Email sent again to {texts.name(notification.recipient)}",
            note=notification.subject,
        )
    tasks.deliver_notification.enqueue(notification.pk)
