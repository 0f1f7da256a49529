"""Actions that answer findings, their progress updates and evidence, and the workflow."""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import Event, diff
from audit.models import iso as _iso
from forces.models import Membership
from forces.roles import can_manage_force
from inspections.models import Finding, ForceProgress
from ui.limits import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    PROGRESS_MAX,
    PROGRESS_MIN,
    SUMMARY_MAX,
    TITLE_MAX,
    check_lengths,
)

from . import rules
from .querysets import ActionQuerySet, EvidenceQuerySet
from .signals import action_allocated, action_moved


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    ON_HOLD = "on_hold", "On hold"
    SUBMITTED = "submitted", "Submitted for closure"
    CLOSED = "closed", "Closed"


OPEN_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.ON_HOLD, Status.SUBMITTED]
# The allocation fields a coordinator edits (Action.edit), and the state an imported
# action plan may set (import_actions, import_revisions).
EDITABLE = frozenset(
    {"title", "description", "owner", "team", "priority", "start_date", "due_date"}
)
STATE_FIELDS = frozenset({"status", "progress", "rag", "closing_summary", "closed_date"})


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
    title = models.CharField(max_length=TITLE_MAX)
    description = models.TextField(blank=True, max_length=DESCRIPTION_MAX)
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
    closing_summary = models.TextField(blank=True, max_length=SUMMARY_MAX)
    hold_reason = models.TextField(blank=True, max_length=NOTE_MAX)
    closed_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now, editable=False)
    last_update_at = models.DateTimeField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    imported = models.BooleanField(
        default=False,
        editable=False,
        help_text="Brought in from an existing action plan: what happened before that "
        "happened outside PEELtrack.",
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="progress_at_most_100"
            )
        ]
        # Every list reads the first page in the list order, so each index ends in it:
        # the database walks the index and stops after a page instead of sorting every
        # row of the force. Actions reach their force through finding -> inspection, so
        # the force filter is a join checked as the walk goes (a force's actions are a
        # large share of the table); owner and status are the filters that narrow.
        indexes = [
            models.Index(fields=["due_date", "id"], name="action_due_date_id"),  # All actions
            models.Index(fields=["owner", "due_date", "id"], name="action_owner_due_id"),  # Mine
            # Review queues, API ?status=, open/overdue filters
            models.Index(fields=["status", "due_date", "id"], name="action_status_due_id"),
            # Review queues and meeting packs: submitted actions, longest waiting first
            models.Index(fields=["status", "updated_at"], name="action_status_updated"),
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
    def audit_action_id(self) -> int:
        """The audit trail files an action's own events under it (see audit.models)."""
        return self.pk

    @property
    def events(self):
        """This action's history in the audit trail: its own events and its records'."""
        return Event.objects.about_action(self.pk)

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
        """Past due and still the owner's to finish (submitted work waits on the board)."""
        days = self.days_to_due()
        return self.is_open and self.status != Status.SUBMITTED and days is not None and days < 0

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
        check_lengths(self)  # update() skips pre_save, where the limits are checked
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
        context: dict | None = None,
    ) -> "Update":
        """Post a progress update, optionally moving the action through the workflow.

        A move is announced with the action_moved signal inside the same transaction, so
        the layers above record what it means to them (governance: a board decision, with
        the meeting named in context) or refuse it all."""
        if not self.can(by, "update") and not (transition and self.can(by, transition)):
            raise PermissionDenied("You may not update this action.")
        errors = {}
        note = (note or "").strip()
        if not note:
            errors["note"] = "Enter a note describing the progress or decision."
        if progress is not None and not PROGRESS_MIN <= progress <= PROGRESS_MAX:
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
        if move:
            action_moved.send(
                sender=Action,
                action=self,
                move=move,
                by=by,
                note=note,
                at=now,
                context=context or {},
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
    def edit(
        self, *, by, changes: dict, expected_version: int | None = None, reason: str = ""
    ) -> dict:
        """Change allocation fields (owner, team, dates, title...); returns what changed.

        reason says why (the form asks for one when the due date moves): it is kept as
        the audit event's note."""
        if not self.can(by, "edit"):
            raise PermissionDenied("Only a coordinator may edit this action.")
        unknown = set(changes) - EDITABLE
        if unknown:
            raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
        previous_owner = self.owner
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
        Event.record(
            by,
            "action.edit",
            self,
            summary="Action edited",
            changes=changed,
            **({"note": reason.strip()} if (reason or "").strip() else {}),
        )
        if "owner" in changed:
            action_allocated.send(
                sender=Action, action=self, by=by, owner=self.owner, previous=previous_owner
            )
        return changed

    def import_state(
        self,
        *,
        by,
        note: str,
        status: str | None = None,
        progress: int | None = None,
        rag: str | None = None,
        closing_summary: str | None = None,
        closed_date: dt.date | None = None,
        expected_version: int | None = None,
        source: dict | None = None,
    ) -> None:
        """The historical import path for one action already imported: see import_revisions."""
        state = {
            name: value
            for name, value in {
                "status": status,
                "progress": progress,
                "rag": rag,
                "closing_summary": closing_summary,
                "closed_date": closed_date,
            }.items()
            if value is not None
        }
        import_revisions(
            by=by,
            revisions=[
                {
                    "action": self,
                    "expected_version": self.version
                    if expected_version is None
                    else expected_version,
                    "state": state,
                    "note": note,
                    "source": source,
                }
            ],
        )

    def finding_refresh_progress(self) -> None:
        """Keep the finding's force-progress in step with its actions."""
        refresh_finding_progress(self.finding)

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


def refresh_finding_progress(finding: Finding) -> None:
    """Keep a finding's force-progress in step with its actions."""
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


def _check_imported_state(*, note, status, progress, rag) -> None:
    errors = {}
    if status is not None and status not in Status.values:
        errors["status"] = "Choose a status PEELtrack knows."
    if progress is not None and not PROGRESS_MIN <= progress <= PROGRESS_MAX:
        errors["progress"] = "Progress must be a whole number from 0 to 100."
    if rag and rag not in RAG.values:
        errors["rag"] = "Choose red, amber or green."
    if not (note or "").strip():
        errors["note"] = "Say where the imported state comes from."
    if errors:
        raise ValidationError(errors)


def import_action(*, finding: Finding, by, refresh: bool = True, **item) -> Action:
    """The historical import path for one new action: see import_actions."""
    return import_actions(by=by, items=[{"finding": finding, **item}], refresh=refresh)[0]


def import_actions(*, by, items: list[dict], refresh: bool = True) -> list[Action]:
    """The historical import path: new actions that an existing action plan already holds.

    Each item has a finding, a note (where it came from), allocation fields (title,
    owner, team, priority, start and due dates) and the state the plan gives: status (any,
    including closed), progress, rag, closing_summary, closed_date, and a `source` for the
    audit trail. The rules of raising an action hold (coordinators only; an owner who is
    an active member of the force), and each action writes what create_action writes, an
    "action.create" audit event with every value, plus an Update whose note says where it
    came from. Past due dates are allowed; the action is marked `imported`. No board
    decision is recorded for a closed one: that history happened outside PEELtrack.

    Written in bulk (a plan has thousands of rows) in one transaction; `refresh=False`
    leaves the findings' progress to the caller (refresh_finding_progress)."""
    forces = {item["finding"].inspection.force_id for item in items}
    for force_id in forces:
        if not can_manage_force(by, force_id):
            raise PermissionDenied("Only a coordinator may import an action plan.")
    owners = {item["owner"].pk: item["owner"] for item in items if item.get("owner")}
    members = set(
        Membership.objects.filter(user_id__in=owners, force_id__in=forces).values_list(
            "user_id", "force_id"
        )
    )
    now = timezone.now()
    actions, notes = [], []
    for item in items:
        unknown = (
            set(item)
            - EDITABLE
            - {
                "finding",
                "note",
                "status",
                "progress",
                "rag",
                "closing_summary",
                "closed_date",
                "source",
            }
        )
        if unknown:
            raise ValueError(f"Not importable: {', '.join(sorted(unknown))}")
        finding, owner = item["finding"], item.get("owner")
        if owner is not None and (
            not owner.is_active or (owner.pk, finding.inspection.force_id) not in members
        ):
            raise ValidationError({"owner": "Choose an owner who works in this force."})
        note = (item.get("note") or "").strip()
        status = item.get("status") or Status.NOT_STARTED
        _check_imported_state(
            note=note, status=status, progress=item.get("progress"), rag=item.get("rag")
        )
        closed = status == Status.CLOSED
        fields = {name: item[name] for name in EDITABLE if name in item}
        fields.setdefault("priority", Priority.MEDIUM)
        actions.append(
            Action(
                finding=finding,
                imported=True,
                status=status,
                progress=100 if closed else (item.get("progress") or 0),
                rag=item.get("rag") or "",
                closing_summary=(item.get("closing_summary") or "").strip(),
                closed_date=(item.get("closed_date") or timezone.localdate()) if closed else None,
                original_due_date=fields.get("due_date"),
                created_at=now,
                updated_at=now,
                last_update_at=now,
                **fields,
            )
        )
        notes.append(note)
    with transaction.atomic():
        if connection.features.can_return_rows_from_bulk_insert:
            Action.objects.bulk_create(actions, batch_size=500)
        else:  # an old SQLite gives no ids back from a bulk insert
            for action in actions:
                action.save()
        Update.objects.bulk_create(
            [
                Update(
                    action=action,
                    author=by,
                    note=note,
                    status_before=Status.NOT_STARTED,
                    status_after=action.status,
                    progress=action.progress,
                    rag=action.rag,
                    created_at=now,
                )
                for action, note in zip(actions, notes, strict=True)
            ],
            batch_size=500,
        )
        Event.objects.bulk_create(
            [
                Event.build(
                    by,
                    "action.create",
                    action,
                    summary="Action imported from an action plan",
                    changes=diff({}, action.snapshot()),
                    note=note,
                    imported=True,
                    **({"source": item["source"]} if item.get("source") else {}),
                )
                for action, note, item in zip(actions, notes, items, strict=True)
            ],
            batch_size=500,
        )
        if refresh:
            for finding in {item["finding"].pk: item["finding"] for item in items}.values():
                refresh_finding_progress(finding)
    return actions


def import_revisions(*, by, revisions: list[dict]) -> None:
    """The historical import path for actions already brought in from a plan: a later
    version of the plan changes their details or their state.

    Each revision names the action, the version it was read at, `edits` (the fields
    Action.edit changes), `state` (status, progress, rag, closing_summary, closed_date),
    a `note` and a `source`. The rules are Action.edit's and import_actions': coordinators
    only, imported actions only, an owner of the force, the first due date kept, a closed
    action's details unchanged unless the revision reopens it, and a version check (an
    action changed since it was read raises ConcurrentEdit and nothing is written). Each
    action gets an Update when its state or note changes, and one audit event with the
    before and after ("action.import", or "action.edit" for details alone). Any status may
    be set, without a board decision: that history happened outside PEELtrack.

    Written in bulk, in one transaction, for a plan of thousands of rows."""
    if not revisions:
        return
    actions = [revision["action"] for revision in revisions]
    forces = {action.force_id for action in actions}
    for force_id in forces:
        if not can_manage_force(by, force_id):
            raise PermissionDenied("Only a coordinator may import an action plan.")
    owners = {
        r["edits"]["owner"].pk for r in revisions if r.get("edits", {}).get("owner") is not None
    }
    members = set(
        Membership.objects.filter(user_id__in=owners, force_id__in=forces).values_list(
            "user_id", "force_id"
        )
    )
    now = timezone.now()
    with transaction.atomic():
        updates, events, moved = [], [], {}
        for revision in revisions:
            action = revision["action"]
            if not action.imported:
                raise PermissionDenied("Only an action brought in from an action plan is imported.")
            edits, state = revision.get("edits") or {}, revision.get("state") or {}
            note = (revision.get("note") or "").strip()
            unknown = (set(edits) - EDITABLE) | (set(state) - STATE_FIELDS)
            if unknown:
                raise ValueError(f"Not importable: {', '.join(sorted(unknown))}")
            _check_imported_state(
                note=note or "-",
                status=state.get("status"),
                progress=state.get("progress"),
                rag=state.get("rag"),
            )
            owner = edits.get("owner")
            if (
                owner is not None
                and owner != action.owner
                and (not owner.is_active or (owner.pk, action.force_id) not in members)
            ):
                raise ValidationError({"owner": "Choose an owner who works in this force."})
            status_before = action.status
            final = state.get("status", action.status)
            if edits and status_before == Status.CLOSED and final == Status.CLOSED:
                raise ValidationError(
                    {"status": "A closed action's details are not changed: reopen it first."}
                )
            before = action.snapshot()
            for name, value in edits.items():
                setattr(action, name, value)
            if action.original_due_date is None and action.due_date is not None:
                action.original_due_date = action.due_date
            if state or note:
                action.status = final
                if "progress" in state:
                    action.progress = state["progress"]
                if state.get("rag"):
                    action.rag = state["rag"]
                if "closing_summary" in state:
                    action.closing_summary = (state["closing_summary"] or "").strip()
                if action.status == Status.CLOSED:
                    action.closed_date = (
                        state.get("closed_date") or action.closed_date or timezone.localdate()
                    )
                    action.progress = 100
                else:
                    action.closed_date = None
                action.last_update_at = now
                updates.append(
                    Update(
                        action=action,
                        author=by,
                        note=note or "Updated from an action plan.",
                        status_before=status_before,
                        status_after=action.status,
                        progress=action.progress,
                        rag=action.rag,
                        created_at=now,
                    )
                )
            changed = diff(before, action.snapshot())
            if not changed and not (state or note):
                continue
            written = {name for name in changed if name in EDITABLE | STATE_FIELDS}
            if "due_date" in edits:
                written.add("original_due_date")
            if state or note:
                written.add("last_update_at")
            # The version check of _save_versioned, one UPDATE per action (bulk_update's
            # CASE per field costs more than it saves here).
            values = {name: getattr(action, name) for name in written}
            values.update(version=revision["expected_version"] + 1, updated_at=now)
            if not Action.objects.filter(pk=action.pk, version=revision["expected_version"]).update(
                **values
            ):
                raise ConcurrentEdit(Action.objects.select_related("owner").get(pk=action.pk))
            action.version, action.updated_at = values["version"], now
            if status_before != action.status:
                moved[action.finding_id] = action.finding
            imported = bool(state or note)
            events.append(
                Event.build(
                    by,
                    "action.import" if imported else "action.edit",
                    action,
                    summary="Imported from an action plan" if imported else "Action edited",
                    changes=changed,
                    **({"note": note} if note else {}),
                    **({"source": revision["source"]} if revision.get("source") else {}),
                )
            )
        Update.objects.bulk_create(updates, batch_size=500)
        Event.objects.bulk_create(events, batch_size=500)
        for finding in moved.values():
            refresh_finding_progress(finding)


def create_action(*, finding: Finding, by, **fields) -> Action:
    """Raise a new action against a finding (coordinators only)."""
    if not can_manage_force(by, finding.inspection.force_id):
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
        if action.owner_id:
            action_allocated.send(
                sender=Action, action=action, by=by, owner=action.owner, previous=None
            )
    return action


class Update(models.Model):
    """A dated progress entry on an action, with the status before and after."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(max_length=NOTE_MAX)
    status_before = models.CharField(max_length=20, choices=Status.choices)
    status_after = models.CharField(max_length=20, choices=Status.choices)
    progress = models.PositiveSmallIntegerField(default=0)
    rag = models.CharField(max_length=10, choices=RAG.choices, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.action} – {self.created_at:%Y-%m-%d}"


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
    description = models.TextField(max_length=DESCRIPTION_MAX)
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
        constraints = [
            # One file once per action, whichever version it was: a new version is a
            # different file. Checked by evidence_add first for a clear message; this
            # holds when two identical uploads race (the loser is refused, not stored).
            models.UniqueConstraint(
                fields=["action", "sha256"],
                condition=models.Q(kind="file"),
                name="evidence_file_once_per_action",
            ),
        ]

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
        twin = action.evidence.filter(kind=Evidence.Kind.FILE, sha256=fields["sha256"]).first()
        if twin is not None:
            raise _already_attached(twin)
    try:
        return _evidence_save(
            action,
            by,
            fields,
            upload,
            url,
            supersedes,
            description=description,
            effective_date=effective_date,
            marking=marking,
        )
    except IntegrityError:
        # Two uploads of one file (or two new versions of one item) at the same moment:
        # the database let one through; this one is refused like any duplicate.
        twin = action.evidence.filter(kind=Evidence.Kind.FILE, sha256=fields.get("sha256")).first()
        if upload and twin is not None:
            raise _already_attached(twin) from None
        raise ValidationError(
            {
                "supersedes": "That evidence was given a new version a moment ago. Check the "
                "action's evidence and try again."
            }
        ) from None


def _already_attached(twin: Evidence) -> ValidationError:
    return ValidationError(
        {
            "file": f"This file is already attached as “{twin.name}” "
            f"(uploaded {twin.uploaded_at:%d %B %Y})."
        }
    )


def _evidence_save(action, by, fields, upload, url, supersedes, **details) -> Evidence:
    """Store the file and its row in one transaction; a refused row leaves no file behind."""
    evidence = Evidence(
        action=action,
        kind=Evidence.Kind.FILE if upload else Evidence.Kind.LINK,
        url=url,
        description=details["description"].strip(),
        effective_date=details["effective_date"],
        marking=details["marking"],
        uploaded_by=by,
        supersedes=supersedes,
        **fields,
    )
    try:
        with transaction.atomic():
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
    except BaseException:
        if evidence.file:
            evidence.file.delete(save=False)  # the row was not kept, so neither is its file
        raise
    return evidence
