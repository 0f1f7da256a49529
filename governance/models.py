"""Governance: board meetings, the decisions boards take on actions, and extension requests."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from forces.models import Board
from ui.limits import RATIONALE_MAX, REASON_MAX, TITLE_MAX


class Outcome(models.TextChoices):
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned for more work"


# The workflow moves that are governance decisions, and the outcome each records.
DECISIONS = {"close": Outcome.SIGNED_OFF, "return": Outcome.RETURNED}


class Meeting(models.Model):
    """A board meeting, for which an agenda pack is assembled."""

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    title = models.CharField(max_length=TITLE_MAX, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title or f"{self.board} – {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("governance:meeting", args=[self.pk])


class Decision(models.Model):
    """A board's decision on an action submitted for closure: signed off, or returned."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="decisions")
    board = models.ForeignKey(
        Board, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField(max_length=RATIONALE_MAX)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.action}: {self.get_outcome_display()}"


class ExtensionRequest(models.Model):
    """An owner's request to move an action's due date, decided by its board."""

    class State(models.TextChoices):
        PENDING = "pending", "Awaiting decision"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="extensions")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    current_due_date = models.DateField(null=True)
    requested_due_date = models.DateField()
    reason = models.TextField(max_length=REASON_MAX)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True, max_length=RATIONALE_MAX)
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="extensions"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["action"],
                condition=models.Q(state="pending"),
                name="one_pending_extension_per_action",
            )
        ]

    def __str__(self):
        return f"{self.action}: to {self.requested_due_date:%d %b %Y} ({self.get_state_display()})"

    @property
    def from_date(self):
        """The due date the request would move: the action's own while it is waiting (a
        coordinator may have changed it since), the one it had when decided after."""
        if self.state == self.State.PENDING:
            return self.action.due_date
        return self.current_due_date

    @property
    def moved_since_asked(self) -> bool:
        """A waiting request whose action's due date was changed after it was asked."""
        return self.state == self.State.PENDING and self.action.due_date != self.current_due_date

    @property
    def days_requested(self) -> int | None:
        if self.from_date is None:
            return None
        return (self.requested_due_date - self.from_date).days
