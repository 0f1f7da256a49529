"""Importing an existing action plan: plan every row against what is held, then apply.

Each row becomes (or updates) one action on one finding. Actions are created and changed
only through the rules in actions, by its historical import path: `import_actions` for new
rows and `import_revisions` for later versions (any status, past dates, closed items:
marked as imported, audited like any change, written in bulk). Findings are matched by
reference or wording, or added through `inspections.services.finding_create`.

Idempotent: every row has a stable reference (its own column, or one made from its
inspection, finding and action title) kept in `PlanRow`. The next upload of the same row
updates its action, and changes only what the spreadsheet changed since the last upload:
a value changed in PEELtrack since is kept, with a warning, never overwritten.
"""

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from actions.models import (
    Priority,
    Status,
    import_actions,
    import_revisions,
    refresh_finding_progress,
)
from audit.models import Event
from forces.models import Membership
from forces.roles import can_manage_force
from inspections.models import Finding, FindingOrigin, Inspection
from inspections.services import finding_create
from ui.limits import DESCRIPTION_MAX, NOTE_MAX, SUMMARY_MAX, TITLE_MAX

from . import fields as cells
from .fields import FIELD_LABELS, CellError
from .models import PlanMapping, PlanRow, PlanUpload
from .reading import Table

SAME_FINDING_RATIO = 0.75
# The most a cell may hold for each field (ui/limits.py): a longer one is a row error.
CELL_LIMITS = {
    "description": ("The description", DESCRIPTION_MAX),
    "closing_summary": ("The closing summary", SUMMARY_MAX),
    "update": ("The update", NOTE_MAX),
}
# Allocation fields (Action.edit's) and state fields a plan sets (import_revisions).
EDIT_FIELDS = ("title", "description", "owner", "team", "priority", "start_date", "due_date")
STATE_FIELDS = ("status", "progress", "rag", "closing_summary", "closed_date")
PROBLEMS_KEPT = 2000


class PlanChanged(Exception):
    """What is held changed between the preview and the confirmation."""


def _norm(value: str) -> str:
    return re.sub(r"\s+", " ", value or "").strip().lower()


def _plain(value) -> Any:
    """A value as the JSON PlanRow.values holds (dates as ISO, users as usernames)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "get_username"):
        return value.get_username()
    return value


@dataclass
class RowPlan:
    number: int
    reference: str = ""
    status: str = "new"  # new, update, unchanged, error
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # resolved values the sheet gives
    inspection: Inspection | None = None
    finding: Finding | None = None
    new_finding: tuple | None = None  # key into Plan.new_findings
    plan_row: PlanRow | None = None
    edits: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    note: str = ""
    held_back: set = field(default_factory=set)  # sheet values not applied, nor taken as seen

    @property
    def title(self) -> str:
        return self.values.get("title", "")

    @property
    def changed_labels(self) -> list[str]:
        names = [*self.edits, *self.state] + (["update"] if self.note else [])
        return [FIELD_LABELS.get(name, name) for name in names]


@dataclass
class Plan:
    rows: list[RowPlan]
    new_findings: dict  # (inspection pk, key) -> {"inspection", "kind", "text", "reference"}
    mapping: dict

    @property
    def counts(self) -> dict:
        out = {"new": 0, "update": 0, "unchanged": 0, "error": 0}
        for row in self.rows:
            out[row.status] += 1
        out["warning"] = sum(1 for row in self.rows if row.warnings and row.status != "error")
        out["new_findings"] = len(self.new_findings)
        return out

    @property
    def problems(self) -> list[RowPlan]:
        return [row for row in self.rows if row.errors or row.warnings]

    @property
    def fingerprint(self) -> str:
        state = [
            [r.number, r.status, r.reference, sorted(r.edits), sorted(r.state), bool(r.note)]
            for r in self.rows
        ]
        state.append(sorted(str(key) for key in self.new_findings))
        return hashlib.sha256(json.dumps(state).encode()).hexdigest()[:32]


class _Owners:
    """A force's people, found by email, username or name (as plans write them)."""

    def __init__(self, force):
        users = get_user_model().objects.filter(
            pk__in=Membership.objects.filter(force=force).values("user_id")
        )
        self.index: dict[str, list] = {}
        for user in users:
            keys = {user.email.lower(), user.username.lower()}
            name = _norm(f"{user.first_name} {user.last_name}")
            if user.first_name and user.last_name:
                keys |= {name, _norm(f"{user.last_name}, {user.first_name}")}
            for key in keys - {""}:
                self.index.setdefault(key, []).append(user)

    def find(self, raw: str, row: RowPlan):
        people = {u.pk: u for u in self.index.get(_norm(raw), [])}
        if len(people) > 1:
            row.errors.append(
                f"{len(people)} people in the force match owner “{raw}”: use their email address"
            )
            return None
        if not people:
            row.warnings.append(
                f"Nobody in the force matches owner “{raw}”: imported without an owner, so it "
                "shows in To allocate"
            )
            return None
        user = next(iter(people.values()))
        if not user.is_active:
            row.warnings.append(
                f"{raw}'s account is inactive (they may have left): imported without an owner"
            )
            return None
        return user


class _Findings:
    """An inspection's findings, found by reference or wording (similar wording counts)."""

    def __init__(self, inspection: Inspection):
        self.by_reference, self.by_text, self.texts = {}, {}, []
        for finding in inspection.findings.all():
            self.by_reference[cells.same_reference(finding.reference)] = finding
            self.by_text.setdefault(_norm(finding.text), finding)
            self.texts.append((_norm(finding.text), finding))
        self.similar: dict[str, Finding | None] = {}

    def find(self, reference: str, text: str) -> Finding | None:
        if reference and cells.same_reference(reference) in self.by_reference:
            return self.by_reference[cells.same_reference(reference)]
        if not text:
            return None
        wanted = _norm(text)
        if wanted in self.by_text:
            return self.by_text[wanted]
        if wanted not in self.similar:  # rows repeat their finding: compare each wording once
            best, best_ratio = None, SAME_FINDING_RATIO
            for held, finding in self.texts:
                matcher = difflib.SequenceMatcher(None, held, wanted, autojunk=False)
                if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
                    continue
                ratio = matcher.ratio()
                if ratio >= best_ratio:
                    best, best_ratio = finding, ratio
            self.similar[wanted] = best
        return self.similar[wanted]


def plan_rows(table: Table, mapping: dict[str, int], *, force, inspection=None) -> Plan:
    """Compare every row with what is held; write nothing."""
    inspections = {}
    for held in Inspection.objects.filter(force=force):
        inspections.setdefault(_norm(held.programme), held)
        if held.title:
            inspections.setdefault(_norm(held.title), held)
    owners = _Owners(force)
    findings: dict[int, _Findings] = {}
    new_findings: dict = {}
    rows = []
    for number, values in table.rows:

        def get(name, values=values):
            index = mapping.get(name)
            return values[index] if index is not None and index < len(values) else None

        row = RowPlan(number=number)
        _resolve(row, get, mapping, inspections, inspection, owners)
        if row.inspection is not None:
            finder = findings.get(row.inspection.pk)
            if finder is None:
                finder = findings[row.inspection.pk] = _Findings(row.inspection)
            _resolve_finding(row, get, finder, new_findings)
        rows.append(row)
    _match_held(rows, force, mapping)
    return Plan(rows=rows, new_findings=new_findings, mapping=mapping)


def _resolve(row: RowPlan, get, mapping, inspections, default_inspection, owners) -> None:
    """The row's values as PEELtrack holds them, with a message for each that cannot be."""
    title = cells.text(get("title"))
    description = cells.text(get("description"))
    if not title:
        row.errors.append("The action is empty: every row needs one")
    elif len(title) > TITLE_MAX:
        description = f"{title}\n\n{description}".strip()
        title = title[: TITLE_MAX - 1].rstrip() + "…"
        row.warnings.append(
            f"The action is longer than {TITLE_MAX} characters: it is kept in full in the "
            "description"
        )
    values = {"title": title}
    if "description" in mapping or description:
        values["description"] = description
    for name in ("team", "closing_summary", "update"):
        if name in mapping:
            values[name] = cells.text(get(name))[: 100 if name == "team" else None]
    parsers = {
        "priority": cells.priority,
        "status": cells.status,
        "progress": cells.progress,
        "rag": cells.rag,
        "start_date": lambda v: cells.date(v, "Start date"),
        "due_date": lambda v: cells.date(v, "Due date"),
        "closed_date": lambda v: cells.date(v, "Date closed"),
    }
    for name, parse in parsers.items():
        if name not in mapping:
            continue
        try:
            values[name] = parse(get(name))
        except CellError as error:
            row.errors.append(str(error))
    for name, (label, limit) in CELL_LIMITS.items():
        if len(values.get(name) or "") > limit:
            row.errors.append(f"{label} is longer than {limit:,} characters: shorten it")
    start, due = values.get("start_date"), values.get("due_date")
    if start and due and start > due:
        row.errors.append("The due date is before the start date")
    if values.get("closed_date") and values.get("status") not in (None, "closed"):
        row.warnings.append("It has a date closed but is not closed: the date is ignored")
        values["closed_date"] = None
    raw_owner = cells.text(get("owner"))
    if raw_owner:
        values["owner"] = owners.find(raw_owner, row)
    row.values = values
    row.reference = cells.text(get("reference"))[:200]
    named = cells.text(get("inspection"))
    if named:
        row.inspection = inspections.get(_norm(named))
        if row.inspection is None:
            row.errors.append(
                f"The force has no inspection called “{named[:60]}”: add it in PEELtrack first"
            )
    elif default_inspection is not None:
        row.inspection = default_inspection
    else:
        row.errors.append(
            "The row does not say which inspection it answers: choose one on the upload page"
        )


def _resolve_finding(row: RowPlan, get, finder: _Findings, new_findings: dict) -> None:
    reference = cells.text(get("finding_reference"))[:20]
    text = cells.text(get("finding_text"))
    row.finding = finder.find(reference, text)
    if row.finding is not None:
        if row.finding.is_withdrawn:
            row.warnings.append(f"{row.finding.reference} is withdrawn")
        return
    if not text:
        if reference:
            row.errors.append(
                f"{row.inspection.programme} has no finding {reference}, and the row has no "
                "finding text to add it from"
            )
        else:
            row.errors.append("The row does not say which finding it answers")
        return
    key = (row.inspection.pk, _norm(text))
    if key not in new_findings:
        taken = reference and cells.same_reference(reference) in finder.by_reference
        new_findings[key] = {
            "inspection": row.inspection,
            "kind": cells.finding_kind(get("finding_kind"), reference),
            "text": text,
            "reference": "" if taken else reference,
        }
    row.new_finding = key


def _made_reference(row: RowPlan) -> str:
    """A reference for a row without one: its inspection, finding and title."""
    finding = (
        row.finding.pk if row.finding else _norm(row.new_finding[1] if row.new_finding else "")
    )
    basis = f"{row.inspection.pk if row.inspection else ''}|{finding}|{_norm(row.title)}"
    return "auto-" + hashlib.sha256(basis.encode()).hexdigest()[:20]


def _match_held(rows: list[RowPlan], force, mapping) -> None:
    """Tie each row to the action an earlier upload made of it, and work out what changes."""
    seen: dict[str, int] = {}
    for row in rows:
        if row.errors:
            row.status = "error"
            continue
        row.reference = row.reference or _made_reference(row)
        if row.reference in seen:
            row.errors.append(f"The reference {row.reference} is also on row {seen[row.reference]}")
            row.status = "error"
            continue
        seen[row.reference] = row.number
    held = {}
    wanted = list(seen)
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        for plan_row in PlanRow.objects.filter(force=force, reference__in=chunk).select_related(
            "action__owner", "action__finding__inspection"
        ):
            held[plan_row.reference] = plan_row
    for row in rows:
        if row.status == "error":
            continue
        row.plan_row = held.get(row.reference)
        if row.plan_row is None:
            row.status = "new"
            continue
        _changes(row)
        row.status = "update" if (row.edits or row.state or row.note) else "unchanged"


def _changes(row: RowPlan) -> None:
    """Three-way: change only what the sheet changed since the last upload, unless PEELtrack
    changed it too (then PEELtrack's value is kept, with a warning)."""
    action, base = row.plan_row.action, row.plan_row.values
    if row.finding is not None and row.finding.pk != action.finding_id:
        row.warnings.append(
            f"The row now names {row.finding.reference}; the action stays on "
            f"{action.finding.reference}"
        )
    for name in (*EDIT_FIELDS, *STATE_FIELDS):
        if name not in row.values:
            continue
        new = row.values[name]
        if new in (None, ""):
            continue  # an empty cell never empties what is held
        sheet, last, now = _plain(new), base.get(name), _plain(getattr(action, name))
        if sheet in (last, now):
            continue
        if now != last:
            row.warnings.append(
                f"{FIELD_LABELS[name]} was changed in PEELtrack since the last upload: "
                f"PEELtrack's {now if now not in (None, '') else 'empty value'} is kept"
            )
            continue
        (row.edits if name in EDIT_FIELDS else row.state)[name] = new
    stays_closed = action.status == Status.CLOSED and (
        row.state.get("status", action.status) == Status.CLOSED
    )
    if row.edits and stays_closed:
        # The workflow's rule: a closed action's details are not changed. They are not
        # taken as seen either, so the plan's values apply if it reopens the action.
        labels = ", ".join(FIELD_LABELS[name].lower() for name in row.edits)
        row.warnings.append(f"The action is closed: its {labels} is kept as it is")
        row.held_back = set(row.edits)
        row.edits = {}
    update = row.values.get("update")
    if update and update != base.get("update"):
        row.note = update


@transaction.atomic
def apply_plan(
    plan: Plan,
    *,
    force,
    by,
    table: Table,
    data: bytes,
    name: str,
    inspection=None,
    headings: list[str],
    expected: str | None = None,
) -> PlanUpload:
    """Import the rows without errors; keep the file; remember the columns. One transaction."""
    if not can_manage_force(by, force.pk):
        raise PermissionDenied("Only a coordinator may import an action plan.")
    # One import per force at a time: the second waits, then sees the first one's rows.
    remembered, _ = PlanMapping.objects.get_or_create(force=force)
    PlanMapping.objects.select_for_update().get(pk=remembered.pk)
    if expected is not None and plan.fingerprint != expected:
        raise PlanChanged(
            "What is held changed while you were checking (another upload, or an edit): "
            "check the rows again."
        )
    digest = hashlib.sha256(data).hexdigest()
    upload = PlanUpload(
        force=force,
        inspection=inspection,
        name=name[:255],
        format=table.format,
        sha256=digest,
        size=len(data),
        mapping={field: headings[index] for field, index in plan.mapping.items()},
        uploaded_by=by,
    )
    upload.file.save(digest[:12], ContentFile(data), save=False)
    upload.save()
    source = {"upload": upload.pk, "file": upload.name}
    created_findings = {}
    for key, spec in plan.new_findings.items():
        if not any(r.new_finding == key and r.status == "new" for r in plan.rows):
            continue  # only rows with errors needed it
        created_findings[key] = finding_create(
            inspection=spec["inspection"],
            by=by,
            kind=spec["kind"],
            text=spec["text"],
            reference=spec["reference"],
            origin=FindingOrigin.ACTION_PLAN,
        )
    new_rows = [row for row in plan.rows if row.status == "new"]
    for row in new_rows:
        row.finding = row.finding or created_findings[row.new_finding]
    actions = import_actions(
        by=by, items=[_item(row, upload, source) for row in new_rows], refresh=False
    )
    PlanRow.objects.bulk_create(
        [
            PlanRow(
                force_id=force.pk,
                reference=row.reference,
                action=action,
                first_upload=upload,
                upload=upload,
                row_number=row.number,
                values=_stored(row),
            )
            for row, action in zip(new_rows, actions, strict=True)
        ],
        batch_size=500,
    )
    seen, moved, revised = [], [], []
    for row in plan.rows:
        if row.status == "update":
            revised.append(row)
            row.plan_row.values = {**row.plan_row.values, **_stored(row)}
            row.plan_row.upload, row.plan_row.row_number = upload, row.number
        elif row.status == "unchanged":
            seen.append(row.plan_row.pk)
            values = {**row.plan_row.values, **_stored(row)}
            if values != row.plan_row.values or row.plan_row.row_number != row.number:
                row.plan_row.values, row.plan_row.row_number = values, row.number
                moved.append(row.plan_row)
    import_revisions(
        by=by,
        revisions=[
            {
                "action": row.plan_row.action,
                "expected_version": row.plan_row.action.version,
                "edits": row.edits,
                "state": row.state,
                "note": row.note
                or (
                    f"Updated from the action plan {upload.name}, row {row.number}."
                    if row.state
                    else ""
                ),
                "source": {**source, "row": row.number, "reference": row.reference},
            }
            for row in revised
        ],
    )
    # One UPDATE per row: bulk_update's CASE per field costs more than it saves here.
    for plan_row in [row.plan_row for row in revised] + moved:
        PlanRow.objects.filter(pk=plan_row.pk).update(
            values=plan_row.values, upload=plan_row.upload, row_number=plan_row.row_number
        )
    for start in range(0, len(seen), 500):  # every unchanged row was seen in this upload
        PlanRow.objects.filter(pk__in=seen[start : start + 500]).update(upload=upload)
    for finding in {row.finding.pk: row.finding for row in new_rows}.values():
        refresh_finding_progress(finding)
    upload.counts = plan.counts
    upload.problems = [
        {"row": r.number, "reference": r.reference, "errors": r.errors, "warnings": r.warnings}
        for r in plan.problems[:PROBLEMS_KEPT]
    ]
    upload.save(update_fields=["counts", "problems"])
    remembered.columns = upload.mapping
    remembered.updated_by = by
    remembered.updated_at = timezone.now()
    remembered.save()
    counts = upload.counts
    Event.record(
        by,
        "plan.import",
        upload,
        summary=(
            f"Action plan imported: {counts['new']} new, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts['error']} left out"
        ),
        sha256=digest,
        counts=counts,
    )
    return upload


def _stored(row: RowPlan) -> dict:
    """The values this upload takes as seen, for the next upload's comparison."""
    return {name: _plain(value) for name, value in row.values.items() if name not in row.held_back}


def _item(row: RowPlan, upload, source) -> dict:
    """A new row as import_actions takes it."""
    values = row.values
    return {
        "finding": row.finding,
        "note": values.get("update")
        or f"Imported from the action plan {upload.name}, row {row.number}.",
        "status": values.get("status"),
        "progress": values.get("progress"),
        "rag": values.get("rag") or None,
        "closing_summary": values.get("closing_summary") or "",
        "closed_date": values.get("closed_date"),
        "source": {**source, "row": row.number, "reference": row.reference},
        "title": values["title"],
        "description": values.get("description", ""),
        "owner": values.get("owner"),
        "team": values.get("team", ""),
        "priority": values.get("priority") or Priority.MEDIUM,
        "start_date": values.get("start_date"),
        "due_date": values.get("due_date"),
    }
