"""Reminder rules per force, the notifications they produce, and how each user wants email."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    validate_comma_separated_integer_list,
)
from django.db import models
from django.urls import reverse
from django.utils import timezone

from forces.models import Force

from .querysets import NotificationQuerySet

# A failed email is tried again on each run of send_reminders until it has been tried
# this many times; after that it waits for a coordinator to press "Send again".
MAX_ATTEMPTS = 3


def default_stale_days() -> int:
    """The site-wide STALE_AFTER_DAYS, so the stale lists and the stale notice agree."""
    return settings.STALE_AFTER_DAYS


class ReminderRules(models.Model):
    """How hard the tracker chases in one force. A force without a row uses the defaults."""

    force = models.OneToOneField(Force, on_delete=models.CASCADE, related_name="reminder_rules")
    due_reminder_days = models.CharField(
        "reminders before the due date",
        max_length=100,
        default="30,7,1,0",
        validators=[validate_comma_separated_integer_list],
        help_text="Days before the due date on which the owner is reminded, separated by "
        "commas. 0 is the due date itself. Leave blank for none.",
        blank=True,
    )
    overdue_repeat_days = models.PositiveSmallIntegerField(
        "repeat overdue reminders every",
        default=7,
        validators=[MinValueValidator(1)],
        help_text="Days. The owner is told on the first day an action is overdue, then this "
        "often until it is done.",
    )
    stale_after_days = models.PositiveSmallIntegerField(
        "stale after",
        default=default_stale_days,
        validators=[MinValueValidator(1)],
        help_text="Days without a progress update before the owner gets a stale notice.",
    )
    update_request_day = models.PositiveSmallIntegerField(
        "monthly update request on day",
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Day of the month (1 to 28) on which each owner of an open action is asked "
        "for a progress update, unless they have posted one that month.",
    )
    escalate_overdue_after_days = models.PositiveSmallIntegerField(
        "escalate when overdue by more than",
        default=14,
        help_text="Days. The coordinators and the overseeing board are told once.",
    )
    escalate_stale_after_days = models.PositiveSmallIntegerField(
        "escalate when stale for",
        default=28,
        validators=[MinValueValidator(1)],
        help_text="Days without a progress update before the coordinators and the overseeing "
        "board are told.",
    )
    meeting_digest_days = models.PositiveSmallIntegerField(
        "meeting digest days before",
        default=3,
        help_text="Days before a board meeting on which each member is sent what is in the "
        "pack. 0 sends it on the day.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "reminder rules"
        verbose_name_plural = "reminder rules"
        ordering = ["force__name"]

    def __str__(self):
        return f"Reminder rules – {self.force}" if self.force_id else "Default reminder rules"

    def clean(self):
        if self.escalate_stale_after_days <= self.stale_after_days:
            raise ValidationError(
                {
                    "escalate_stale_after_days": "Escalate later than the stale notice, or the "
                    "owner never gets a chance to answer it."
                }
            )

    @property
    def due_days(self) -> list[int]:
        """The before-due reminder days as numbers, largest first."""
        values = {int(v) for v in self.due_reminder_days.split(",") if v.strip()}
        return sorted((v for v in values if v >= 0), reverse=True)

    @classmethod
    def for_forces(cls) -> dict:
        """Every force's saved rules; look up a missing force with .get(id, cls())."""
        return {rules.force_id: rules for rules in cls.objects.all()}


class Rule(models.TextChoices):
    DUE_SOON = "due_soon", "Due date reminder"
    OVERDUE = "overdue", "Overdue reminder"
    STALE = "stale", "Stale notice"
    UPDATE_REQUEST = "update_request", "Update request"
    ESCALATION = "escalation", "Escalation"
    MEETING_DIGEST = "meeting_digest", "Meeting digest"
    OWNER_LEFT = "owner_left", "Owner has left"
    # Notices of something that happened (notifications/notices.py), not of the calendar.
    ALLOCATED = "allocated", "Allocated to you"
    REALLOCATED = "reallocated", "No longer yours"
    RETURNED = "returned", "Returned for more work"
    SIGNED_OFF = "signed_off", "Signed off"
    REOPENED = "reopened", "Reopened"
    EXTENSION_APPROVED = "extension_approved", "Extension approved"
    EXTENSION_REJECTED = "extension_rejected", "Extension rejected"
    FOR_DECISION = "for_decision", "Waiting for the board's decision"
    TO_ALLOCATE = "to_allocate", "Findings to allocate"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    IN_APP = "in_app", "In the app"


class Delivery(models.TextChoices):
    PENDING = "pending", "Waiting to send"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    SKIPPED = "skipped", "Not sent"


class Notification(models.Model):
    """One notice to one person through one channel, with what happened to it.

    The dedupe key names the rule, the action or meeting, the period, the recipient and
    the channel, so however often the reminders run a rule fires once per period.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    force = models.ForeignKey(
        Force, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    rule = models.CharField(max_length=20, choices=Rule.choices)
    action = models.ForeignKey(
        "actions.Action",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    meeting = models.ForeignKey(
        "governance.Meeting",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    channel = models.CharField(max_length=10, choices=Channel.choices)
    for_date = models.DateField(help_text="The day the rule fired for.")
    subject = models.CharField(max_length=250)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        "delivery", max_length=10, choices=Delivery.choices, default=Delivery.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    queued_at = models.DateTimeField(null=True, blank=True)
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    in_digest = models.BooleanField(default=False, help_text="Sent in a daily digest email.")
    error = models.TextField("last delivery error", blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    url = models.CharField(
        max_length=300,
        blank=True,
        help_text="Where the reader acts on the notice, when it is not the action's page.",
    )
    items = models.PositiveIntegerField(
        default=1, help_text="How many things a batched notice (one a day) is about."
    )
    dedupe_key = models.CharField(max_length=200, unique=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "channel", "read_at"], name="notification_inbox"),
            models.Index(fields=["channel", "status"], name="notification_delivery"),
        ]

    def __str__(self):
        return f"{self.get_rule_display()} to {self.recipient}: {self.subject}"

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    @property
    def gave_up(self) -> bool:
        return self.status == Delivery.FAILED and self.attempts >= MAX_ATTEMPTS

    @property
    def can_send_again(self) -> bool:
        """A failed or unsent email to someone who could now receive it."""
        return (
            self.channel == Channel.EMAIL
            and self.status in {Delivery.FAILED, Delivery.SKIPPED}
            and self.recipient.is_active
            and bool(self.recipient.email)
        )

    @property
    def link(self) -> str:
        """Where the notice sends its reader: the action, the reallocation form, or the pack."""
        if self.url:
            return self.url
        if self.rule == Rule.OWNER_LEFT and self.action_id:
            return reverse("actions:edit", args=[self.action_id])
        if self.action_id:
            return reverse("actions:detail", args=[self.action_id])
        if self.meeting_id:
            return reverse("governance:meeting", args=[self.meeting_id])
        return reverse("notifications:list")

    @property
    def absolute_link(self) -> str:
        return absolute_url(self.link)


def absolute_url(path: str) -> str:
    """A link that works from an email: SITE_URL plus the path."""
    return settings.SITE_URL.rstrip("/") + path


class Frequency(models.TextChoices):
    IMMEDIATE = "immediate", "Immediately: one email for each reminder or notice"
    DAILY = "daily", "Daily digest: one email a day listing every reminder and notice"


class Preference(models.Model):
    """How a user wants their reminders and notices emailed. Without a row: immediately."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        "email me", max_length=10, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "notification preference"

    def __str__(self):
        return f"{self.user}: {self.get_email_display()}"

    @classmethod
    def for_user(cls, user) -> "Preference":
        return cls.objects.filter(user=user).first() or cls(user=user)


class Digest(models.Model):
    """A daily digest email sent to one person on one day: at most one a day.

    The row is written before the email is handed over (so two workers never both send)
    and removed again if sending fails, so the next run tries again the same day.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_digests"
    )
    day = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)
    notices = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_per_day")
        ]

    def __str__(self):
        return f"Digest to {self.user} on {self.day}"


class CalendarFeed(models.Model):
    """A person's secret calendar address (/calendar/<token>.ics): their actions' due dates
    and their boards' meetings, for Outlook or another calendar to subscribe to.

    Only a hash of the token is kept, like an API token's: the address is shown once, when
    made. Resetting makes a new token (the old address stops); turning it off removes the row.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "calendar feed"

    def __str__(self):
        return f"Calendar feed of {self.user}"
