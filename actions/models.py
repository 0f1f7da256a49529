"""Actions that answer findings, their progress updates, evidence and the audit trail."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from inspections.models import Finding, FindingKind, Force, ForceProgress

from . import rules
from .querysets import ActionQuerySet, EventQuerySet, EvidenceQuerySet


class Role(models.TextChoices):
    OWNER = "owner", "Action owner"
    COORDINATOR = "coordinator", "Coordinator"
    BOARD_MEMBER = "board_member", "Board member"
    AUDITOR = "auditor", "Auditor"


class Membership(models.Model):
    """A user's role in a force. A user may hold several roles in the same force."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    force = models.ForeignKey(Force, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    team = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["force__name", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(fields=["user", "force", "role"], name="unique_membership")
        ]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.force}"


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    SUBMITTED = "submitted", "Submitted for closure"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.ON_HOLD, Status.SUBMITTED]


class RAG(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Priority(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


@dataclass(frozen=True)
class Transition:
    """One move in the action workflow. Who may make it is decided in rules.py."""

    name: str
    label: str
    sources: tuple[str, ...]
    target: str
    needs: tuple[str, ...] = field(default_factory=tuple)


# The whole status workflow, in one place. Each entry is offered by the UI,
# the admin and the API through Action.apply_update.
TRANSITIONS = {
    t.name: t
    for t in [
        Transition("start", "Start work", (Status.NOT_STARTED,), Status.IN_PROGRESS),
        Transition(
            "hold",
            "Put on hold",
            (Status.NOT_STARTED, Status.IN_PROGRESS),
            Status.ON_HOLD,
            needs=("hold_reason",),
        ),
        Transition("resume", "Resume work", (Status.ON_HOLD,), Status.IN_PROGRESS),
        Transition(
            "submit",
            "Submit for closure",
            (Status.IN_PROGRESS,),
            Status.SUBMITTED,
            needs=("evidence", "closing_summary"),
        ),
        Transition(
            "return",
            "Return for more work",
            (Status.SUBMITTED,),
            Status.IN_PROGRESS,
        ),
        Transition("close", "Close (sign off)", (Status.SUBMITTED,), Status.CLOSED),
        Transition("reopen", "Reopen", (Status.CLOSED,), Status.IN_PROGRESS),
    ]
}


class ConcurrentEdit(Exception):
    """Someone else saved the action since this edit began."""

    def __init__(self, current: "Action"):
        self.current = current
        super().__init__(
            f"{current.title!r} was changed by someone else since you opened it "
            f"(now version {current.version})."
        )


class Action(models.Model):
    """A piece of work the force does to answer a finding, owned by one person."""

    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_actions",
    )
    team = models.CharField(max_length=100, blank=True)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    original_due_date = models.DateField(
        null=True, blank=True, editable=False, help_text="The first agreed due date; kept."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG", max_length=10, choices=RAG.choices, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    closing_summary = models.TextField(blank=True)
    hold_reason = models.TextField(blank=True)
    closed_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    last_update_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="progress_at_most_100"
            )
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self._state.adding and self.original_due_date is None:
            self.original_due_date = self.due_date
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("actions:detail", args=[self.pk])

    @property
    def force_id(self) -> int:
        return self.finding.inspection.force_id

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    def days_to_due(self, today: dt.date | None = None) -> int | None:
        """Days until the current agreed due date; negative when overdue."""
        if self.due_date is None:
            return None
        return (self.due_date - (today or timezone.localdate())).days

    @property
    def is_overdue(self) -> bool:
        days = self.days_to_due()
        return self.is_open and days is not None and days < 0

    @property
    def was_extended(self) -> bool:
        return bool(self.original_due_date and self.due_date != self.original_due_date)

    def can(self, user, verb: str) -> bool:
        """Whether user may do verb to this action (see rules.py)."""
        return rules.can(user, verb, self)

    def allowed_transitions(self, user) -> list[Transition]:
        """Transitions from the current status that user may make."""
        return [
            t for t in TRANSITIONS.values() if self.status in t.sources and self.can(user, t.name)
        ]

    # --- changes -------------------------------------------------------------

    def _save_versioned(self, fields: list[str], expected_version: int) -> None:
        """Write fields only if nobody saved since expected_version (optimistic lock)."""
        now = timezone.now()
        values = {name: getattr(self, name) for name in fields}
        values.update(version=expected_version + 1, updated_at=now)
        written = Action.objects.filter(pk=self.pk, version=expected_version).update(**values)
        if not written:
            raise ConcurrentEdit(Action.objects.select_related("owner").get(pk=self.pk))
        self.version = expected_version + 1
        self.updated_at = now

    @transaction.atomic
    def apply_update(
        self,
        *,
        by,
        note: str,
        progress: int | None = None,
        rag: str | None = None,
        transition: str | None = None,
        closing_summary: str = "",
        expected_version: int | None = None,
        meeting: "Meeting | None" = None,
    ) -> "Update":
        """Post a progress update, optionally moving the action through the workflow."""
        if not self.can(by, "update") and not (transition and self.can(by, transition)):
            raise PermissionDenied("You may not update this action.")
        errors = {}
        note = (note or "").strip()
        if not note:
            errors["note"] = "Enter a note describing the progress or decision."
        if progress is not None and not 0 <= progress <= 100:
            errors["progress"] = "Progress must be a whole number from 0 to 100."
        move = None
        if transition:
            move = TRANSITIONS.get(transition)
            if move is None or self.status not in move.sources:
                errors["transition"] = (
                    f"An action that is {self.get_status_display().lower()} cannot be moved "
                    "that way."
                )
            elif not self.can(by, transition):
                errors["transition"] = f"You may not “{move.label.lower()}” this action."
            else:
                if "closing_summary" in move.needs and not (closing_summary or "").strip():
                    errors["closing_summary"] = (
                        "Enter a closing summary saying what was done and how the evidence "
                        "shows it."
                    )
                if "evidence" in move.needs and not self.evidence.current().exists():
                    errors["transition"] = (
                        "Attach at least one piece of evidence before submitting for closure."
                    )
        if errors:
            raise ValidationError(errors)

        expected = self.version if expected_version is None else expected_version
        before = self.snapshot()
        status_before = self.status
        fields = ["last_update_at"]
        now = timezone.now()
        self.last_update_at = now
        if progress is not None:
            self.progress = progress
            fields.append("progress")
        if rag:
            self.rag = rag
            fields.append("rag")
        if move:
            self.status = move.target
            fields.append("status")
            if "hold_reason" in move.needs:
                self.hold_reason = note
                fields.append("hold_reason")
            if "closing_summary" in move.needs:
                self.closing_summary = closing_summary.strip()
                fields.append("closing_summary")
            if move.target == Status.CLOSED:
                self.closed_date = timezone.localdate()
                self.progress = 100
                fields += ["closed_date", "progress"]
            elif status_before == Status.CLOSED:
                self.closed_date = None
                fields.append("closed_date")
        self._save_versioned(fields, expected)
        update = Update.objects.create(
            action=self,
            author=by,
            note=note,
            status_before=status_before,
            status_after=self.status,
            progress=self.progress,
            rag=self.rag,
            created_at=now,
        )
        if move and move.name in DECISIONS:
            Decision.objects.create(
                action=self,
                board=self.finding.board,
                outcome=DECISIONS[move.name],
                rationale=note,
                decided_by=by,
                decided_at=now,
                meeting=meeting,
            )
        verb = f"action.{move.name}" if move else "action.update"
        summary = move.label if move else "Progress update"
        Event.record(
            by, verb, self, summary=summary, changes=diff(before, self.snapshot()), note=note
        )
        if move:
            self.finding_refresh_progress()
        return update

    @transaction.atomic
    def edit(self, *, by, changes: dict, expected_version: int | None = None) -> dict:
        """Change allocation fields (owner, team, dates, title...); returns what changed."""
        if not self.can(by, "edit"):
            raise PermissionDenied("Only a coordinator may edit this action.")
        editable = {"title", "description", "owner", "team", "priority", "start_date", "due_date"}
        unknown = set(changes) - editable
        if unknown:
            raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
        if "owner" in changes and changes["owner"] != self.owner:
            check_owner(changes["owner"], self.force_id)
        expected = self.version if expected_version is None else expected_version
        before = self.snapshot()
        for name, value in changes.items():
            setattr(self, name, value)
        if self.original_due_date is None and self.due_date is not None:
            self.original_due_date = self.due_date
            changes = {**changes, "original_due_date": self.due_date}
        changed = diff(before, self.snapshot())
        if not changed:
            return {}
        self._save_versioned(list(changes), expected)
        Event.record(by, "action.edit", self, summary="Action edited", changes=changed)
        return changed

    def finding_refresh_progress(self) -> None:
        """Keep the finding's force-progress in step with its actions."""
        finding = self.finding
        statuses = list(finding.actions.values_list("status", flat=True))
        if statuses and all(s == Status.CLOSED for s in statuses):
            progress = ForceProgress.COMPLETE
        elif any(s != Status.NOT_STARTED for s in statuses):
            progress = ForceProgress.IN_PROGRESS
        else:
            progress = ForceProgress.OPEN
        if finding.force_progress != progress:
            Finding.objects.filter(pk=finding.pk).update(force_progress=progress)
            finding.force_progress = progress

    def snapshot(self) -> dict:
        """The audited fields, as plain values, for before/after in the audit trail."""
        return {
            "title": self.title,
            "description": self.description,
            "owner": self.owner.get_username() if self.owner_id else None,
            "team": self.team,
            "priority": self.priority,
            "start_date": _iso(self.start_date),
            "due_date": _iso(self.due_date),
            "original_due_date": _iso(self.original_due_date),
            "status": self.status,
            "rag": self.rag,
            "progress": self.progress,
            "closing_summary": self.closing_summary,
            "closed_date": _iso(self.closed_date),
        }


def check_owner(owner, force_id: int) -> None:
    """An action's owner must be an active member of its force."""
    if owner is None:
        return
    if not owner.is_active or not Membership.objects.filter(user=owner, force_id=force_id).exists():
        raise ValidationError({"owner": "Choose an owner who works in this force."})


def _iso(value):
    return value.isoformat() if value else None


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields that differ."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def create_action(*, finding: Finding, by, **fields) -> Action:
    """Raise a new action against a finding (coordinators only)."""
    if not rules.can_manage_force(by, finding.inspection.force_id):
        raise PermissionDenied("Only a coordinator may raise actions.")
    check_owner(fields.get("owner"), finding.inspection.force_id)
    with transaction.atomic():
        action = Action.objects.create(finding=finding, **fields)
        Event.record(
            by,
            "action.create",
            action,
            summary="Action raised",
            changes=diff({}, action.snapshot()),
        )
        action.finding_refresh_progress()
    return action


class Update(models.Model):
    """A dated progress entry on an action, with the status before and after."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField()
    status_before = models.CharField(max_length=20, choices=Status.choices)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    rag = models.CharField(max_length=10, choices=RAG.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action} – {self.created_at:%Y-%m-%d}"


class Outcome(models.TextChoices):
    SIGNED_OFF = "signed_off", "Signed off"
    RETURNED = "returned", "Returned for more work"


# The workflow moves that are governance decisions, and the outcome each records.
DECISIONS = {"close": Outcome.SIGNED_OFF, "return": Outcome.RETURNED}


class Meeting(models.Model):
    """A board meeting, for which an agenda pack is assembled."""

    board = models.ForeignKey(
        "inspections.Board", on_delete=models.PROTECT, related_name="meetings"
    )
    date = models.DateField()
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]

    def __str__(self):
        return self.title or f"{self.board} – {self.date:%d %B %Y}"

    def get_absolute_url(self):
        return reverse("actions:meeting", args=[self.pk])


class Decision(models.Model):
    """A board's decision on an action submitted for closure: signed off, or returned."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="decisions")
    board = models.ForeignKey(
        "inspections.Board", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions"
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    rationale = models.TextField()
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
    reason = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True)
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
    def days_requested(self) -> int | None:
        if self.current_due_date is None:
            return None
        return (self.requested_due_date - self.current_due_date).days


def extension_request(
    *, action: Action, by, new_due_date: dt.date, reason: str
) -> ExtensionRequest:
    """Ask the overseeing board for a later due date."""
    if not action.can(by, "request_extension"):
        raise PermissionDenied("You may not ask for an extension on this action.")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Enter why the action needs more time."
    if action.due_date and new_due_date <= action.due_date:
        errors["new_due_date"] = (
            f"The new due date must be after the current one ({action.due_date:%d %B %Y})."
        )
    elif new_due_date < timezone.localdate():
        errors["new_due_date"] = "The new due date must be in the future."
    if action.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        errors["new_due_date"] = "An extension request for this action is already waiting."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = ExtensionRequest.objects.create(
            action=action,
            requested_by=by,
            current_due_date=action.due_date,
            requested_due_date=new_due_date,
            reason=reason.strip(),
        )
        Event.record(
            by,
            "extension.request",
            action,
            summary=f"Extension requested to {new_due_date:%d %B %Y}",
            note=reason.strip(),
            extension=request.pk,
        )
    return request


def extension_decide(
    *, request: ExtensionRequest, by, approve: bool, rationale: str, meeting=None
) -> ExtensionRequest:
    """The board approves (the due date moves; the original is kept) or rejects a request."""
    action = request.action
    if not action.can(by, "decide_extension") or by.pk == request.requested_by_id:
        raise PermissionDenied("You may not decide this extension request.")
    if request.state != ExtensionRequest.State.PENDING:
        raise ValidationError({"approve": "This request has already been decided."})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Enter the reason for the decision."})
    with transaction.atomic():
        request.state = (
            ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REJECTED
        )
        request.decided_by = by
        request.decided_at = timezone.now()
        request.rationale = rationale.strip()
        request.meeting = meeting
        request.save()
        changes = {}
        if approve:
            before = action.snapshot()
            action.due_date = request.requested_due_date
            action._save_versioned(["due_date"], action.version)
            changes = diff(before, action.snapshot())
        Event.record(
            by,
            f"extension.{request.state}",
            action,
            summary=f"Extension to {request.requested_due_date:%d %B %Y} {request.state}",
            changes=changes,
            note=request.rationale,
            extension=request.pk,
        )
    return request


class Marking(models.TextChoices):
    OFFICIAL = "OFFICIAL", "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL-SENSITIVE", "OFFICIAL-SENSITIVE"


def evidence_path(instance, filename):
    """Stored name: a random UUID, never the user's file name (kept in original_name)."""
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Evidence(models.Model):
    """A file or link that shows an action was done. Never deleted; a new version supersedes."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="evidence")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    file = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    url = models.URLField(max_length=1000, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    description = models.TextField()
    effective_date = models.DateField(help_text="The date the evidence is effective from.")
    marking = models.CharField(max_length=20, choices=Marking.choices, default=Marking.OFFICIAL)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    size = models.PositiveBigIntegerField(default=0)
    content_type = models.CharField(max_length=150, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name_plural = "evidence"

    def __str__(self):
        return self.original_name or self.url or self.description[:60]

    @property
    def name(self) -> str:
        return self.original_name or self.url

    @property
    def audit_label(self) -> str:
        """How the audit trail names this evidence: never by the name of sensitive items.

        The trail is read by everyone who can see the action, and an OFFICIAL-SENSITIVE
        file's name can itself be sensitive (an informant's name, an operation)."""
        if self.marking == Marking.OFFICIAL_SENSITIVE:
            return f"OFFICIAL-SENSITIVE evidence #{self.pk}"
        return self.name


def evidence_add(
    *,
    action: Action,
    by,
    description: str,
    effective_date: dt.date,
    marking: str = Marking.OFFICIAL,
    upload=None,
    url: str = "",
    supersedes: Evidence | None = None,
) -> Evidence:
    """Attach a checked file or a link to an action; a new version supersedes, never replaces."""
    from .uploads import inspect_upload

    if not action.can(by, "add_evidence"):
        raise PermissionDenied("You may not add evidence to this action.")
    if bool(upload) == bool(url):
        raise ValidationError({"file": "Choose a file or enter a link, not both."})
    if supersedes is not None and (
        supersedes.action_id != action.pk or Evidence.objects.filter(supersedes=supersedes).exists()
    ):
        raise ValidationError({"supersedes": "Choose current evidence on this action."})
    fields = {}
    if upload:
        fields = inspect_upload(upload)
        twin = action.evidence.filter(sha256=fields["sha256"]).first()
        if twin is not None:
            raise ValidationError(
                {
                    "file": f"This file is already attached as “{twin.name}” "
                    f"(uploaded {twin.uploaded_at:%d %B %Y})."
                }
            )
    with transaction.atomic():
        evidence = Evidence(
            action=action,
            kind=Evidence.Kind.FILE if upload else Evidence.Kind.LINK,
            url=url,
            description=description.strip(),
            effective_date=effective_date,
            marking=marking,
            uploaded_by=by,
            supersedes=supersedes,
            **fields,
        )
        if upload:
            evidence.file.save(fields["sha256"][:12], upload, save=False)
        evidence.save()
        summary = f"Evidence added: {evidence.audit_label}"
        if supersedes is not None:
            summary = f"New version of “{supersedes.audit_label}”: {evidence.audit_label}"
        Event.record(
            by,
            "evidence.add",
            evidence,
            summary=summary,
            sha256=evidence.sha256,
            size=evidence.size,
            marking=evidence.marking,
            supersedes=supersedes.pk if supersedes else None,
        )
    return evidence


class Event(models.Model):
    """Append-only audit trail: who did what, when, with before/after values."""

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    force = models.ForeignKey(Force, null=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=50, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    object_repr = models.CharField(max_length=300)
    action = models.ForeignKey(
        Action, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("Audit events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events cannot be deleted.")

    @classmethod
    def record(cls, actor, verb: str, obj, *, summary: str, changes=None, **data) -> "Event":
        """Write one audit row for obj; call inside the transaction that made the change."""
        action = obj if isinstance(obj, Action) else getattr(obj, "action", None)
        force_id = _force_id_of(obj)
        return cls.objects.create(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            force_id=force_id,
            verb=verb,
            object_type=obj._meta.model_name,
            object_id=str(obj.pk),
            object_repr=str(getattr(obj, "audit_label", obj))[:300],
            action=action if isinstance(action, Action) else None,
            summary=summary[:300],
            changes=changes or {},
            data=data,
        )

    @property
    def note(self) -> str:
        return self.data.get("note", "")


def _force_id_of(obj) -> int | None:
    if isinstance(obj, Force):
        return obj.pk
    for path in ("force_id", "inspection.force_id", "finding.inspection.force_id"):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        if isinstance(value, int):
            return value
    action = getattr(obj, "action", None)
    return action.force_id if isinstance(action, Action) else None


__all__ = [
    "RAG",
    "TRANSITIONS",
    "Action",
    "ConcurrentEdit",
    "Event",
    "Evidence",
    "FindingKind",
    "Marking",
    "Membership",
    "Priority",
    "Role",
    "Status",
    "Update",
    "create_action",
    "evidence_add",
]
