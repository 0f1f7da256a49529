"""What an auditor takes away, as tables: the columns and rows of each filtered list
(actions, findings, updates, decisions, audit events), the filters they obey, and the
audit record of each download. The bytes are written by exports.writers.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone

from actions.filters import ActionFilter
from actions.models import RAG, Action, Evidence, Priority, Status, Update
from audit.models import Event
from forces.roles import force_ids_for, forces_where
from governance.models import Decision, ExtensionRequest, Outcome
from inspections.filters import FindingFilter
from inspections.models import (
    Finding,
    FindingKind,
    ForceProgress,
    Grade,
    InspectorateStatus,
    Pillar,
    Theme,
)

from . import rules
from .filters import EventFilter
from .writers import csv_stream, xlsx_stream

CHUNK_ROWS = 2000  # rows fetched from the database at a time


# --- columns -------------------------------------------------------------------


def person(first: str | None, last: str | None, username: str | None) -> str:
    """'Jo Bloggs (jbloggs)': a name a person reads and a username that is unique."""
    if not username:
        return ""
    name = f"{first or ''} {last or ''}".strip()
    return f"{name} ({username})" if name else username


@dataclass(frozen=True)
class Column:
    """One exported column: its heading, how to read it from a row, its XLSX width."""

    header: str
    get: Callable[[dict], object]
    width: int = 16


def _key(name: str, labels: dict | None = None) -> Callable[[dict], object]:
    if labels is None:
        return lambda row: row[name]
    return lambda row: labels.get(row[name], row[name]) if row[name] else ""


def _person_of(prefix: str) -> Callable[[dict], str]:
    return lambda row: person(
        row[f"{prefix}__first_name"], row[f"{prefix}__last_name"], row[f"{prefix}__username"]
    )


def _person_fields(prefix: str) -> list[str]:
    return [f"{prefix}__first_name", f"{prefix}__last_name", f"{prefix}__username"]


STATUS = dict(Status.choices)
KINDS = dict(FindingKind.choices)
PILLARS = dict(Pillar.choices)
THEMES = dict(Theme.choices)
GRADES = dict(Grade.choices)
RAGS = dict(RAG.choices)
PRIORITIES = dict(Priority.choices)
OUTCOMES = {
    **dict(Outcome.choices),
    "extension_approved": "Extension approved",
    "extension_rejected": "Extension rejected",
}


def _signed_off_by():
    """The person on the latest sign-off decision of the action, as 'Name (username)'."""
    return Subquery(
        Decision.objects.filter(action=OuterRef("pk"), outcome=Outcome.SIGNED_OFF)
        .order_by("-decided_at", "-pk")
        .annotate(
            who=Concat(
                F("decided_by__first_name"),
                Value(" "),
                F("decided_by__last_name"),
                Value(" ("),
                F("decided_by__username"),
                Value(")"),
                output_field=models.CharField(),
            )
        )
        .values("who")[:1]
    )


def _action_rows(queryset):
    latest_update = Update.objects.filter(action=OuterRef("pk")).order_by("-created_at", "-pk")
    sign_off = Decision.objects.filter(action=OuterRef("pk"), outcome=Outcome.SIGNED_OFF).order_by(
        "-decided_at", "-pk"
    )
    evidence = (
        Evidence.objects.current()
        .filter(action=OuterRef("pk"))
        .order_by()
        .values("action")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        x_signed_off_by=_signed_off_by(),
        x_signed_off_at=Subquery(sign_off.values("decided_at")[:1]),
        x_evidence=Coalesce(Subquery(evidence), 0),
        x_last_note=Subquery(latest_update.values("note")[:1]),
    ).values(
        "pk",
        "title",
        "description",
        "finding__reference",
        "finding__kind",
        "finding__text",
        "finding__inspection__programme",
        "finding__inspection__force__name",
        "finding__judgment__pillar",
        "finding__judgment__question",
        "finding__theme",
        *_person_fields("owner"),
        "team",
        "finding__board__name",
        "priority",
        "start_date",
        "original_due_date",
        "due_date",
        "status",
        "rag",
        "progress",
        "closed_date",
        "x_signed_off_by",
        "x_signed_off_at",
        "x_evidence",
        "last_update_at",
        "x_last_note",
        "created_at",
    )


def _days_overdue(row, today):
    if row["status"] == Status.CLOSED or row["due_date"] is None:
        return None
    days = (today - row["due_date"]).days
    return days if days > 0 else None


def _action_columns(link: Callable[[int], str]) -> list[Column]:
    today = timezone.localdate()
    return [
        Column("Action ID", _key("pk"), 10),
        Column("Action", _key("title"), 40),
        Column("Description", _key("description"), 40),
        Column("Finding reference", _key("finding__reference"), 12),
        Column("Finding kind", _key("finding__kind", KINDS), 20),
        Column("Finding text", _key("finding__text"), 60),
        Column("Inspection", _key("finding__inspection__programme"), 14),
        Column("Force", _key("finding__inspection__force__name"), 24),
        Column("Pillar", _key("finding__judgment__pillar", PILLARS), 14),
        Column("Question", _key("finding__judgment__question"), 30),
        Column("Theme", _key("finding__theme", THEMES), 16),
        Column("Owner", _person_of("owner"), 24),
        Column("Team", _key("team"), 16),
        Column("Board", _key("finding__board__name"), 20),
        Column("Priority", _key("priority", PRIORITIES), 10),
        Column("Start date", _key("start_date"), 12),
        Column("Original due date", _key("original_due_date"), 12),
        Column("Current due date", _key("due_date"), 12),
        Column("Status", _key("status", STATUS), 16),
        Column("RAG", _key("rag", RAGS), 8),
        Column("Progress (%)", _key("progress"), 10),
        Column("Days overdue", lambda row: _days_overdue(row, today), 10),
        Column("Closed date", _key("closed_date"), 12),
        Column("Signed off by", _key("x_signed_off_by"), 24),
        Column("Signed off at", _key("x_signed_off_at"), 20),
        Column("Current evidence items", _key("x_evidence"), 10),
        Column("Last update at", _key("last_update_at"), 20),
        Column("Last update note", _key("x_last_note"), 40),
        Column("Raised at", _key("created_at"), 20),
        Column("Link", lambda row: link(row["pk"]), 30),
    ]


def _finding_rows(queryset):
    return queryset.annotate(
        x_actions=Count("actions", distinct=True),
        x_open=Count("actions", filter=~Q(actions__status=Status.CLOSED), distinct=True),
        x_overdue=Count(
            "actions",
            filter=~Q(actions__status=Status.CLOSED)
            & Q(actions__due_date__lt=timezone.localdate()),
            distinct=True,
        ),
        x_latest_due=models.Max("actions__due_date"),
    ).values(
        "pk",
        "reference",
        "kind",
        "lead_in",
        "text",
        "section",
        "inspection__programme",
        "inspection__force__name",
        "judgment__pillar",
        "judgment__question",
        "judgment__grade",
        "theme",
        "timescale",
        "cause_of_concern__reference",
        "board__name",
        "force_progress",
        "inspectorate_status",
        "withdrawn_at",
        "withdrawn_reason",
        "x_actions",
        "x_open",
        "x_overdue",
        "x_latest_due",
    )


def _finding_columns(link) -> list[Column]:
    return [
        Column("Finding ID", _key("pk"), 10),
        Column("Reference", _key("reference"), 12),
        Column("Kind", _key("kind", KINDS), 20),
        Column("Lead-in", _key("lead_in"), 30),
        Column("Text", _key("text"), 60),
        Column("Section", _key("section"), 30),
        Column("Inspection", _key("inspection__programme"), 14),
        Column("Force", _key("inspection__force__name"), 24),
        Column("Pillar", _key("judgment__pillar", PILLARS), 14),
        Column("Question", _key("judgment__question"), 30),
        Column("Grade", _key("judgment__grade", GRADES), 16),
        Column("Theme", _key("theme", THEMES), 16),
        Column("Timescale", _key("timescale"), 14),
        Column("Cause of concern", _key("cause_of_concern__reference"), 12),
        Column("Board", _key("board__name"), 20),
        Column("Force progress", _key("force_progress", dict(ForceProgress.choices)), 14),
        Column(
            "Inspectorate's view",
            _key("inspectorate_status", dict(InspectorateStatus.choices)),
            16,
        ),
        Column("Withdrawn", _key("withdrawn_at"), 18),
        Column("Why withdrawn", _key("withdrawn_reason"), 30),
        Column("Actions", _key("x_actions"), 8),
        Column("Open actions", _key("x_open"), 8),
        Column("Overdue actions", _key("x_overdue"), 8),
        Column("Latest action due date", _key("x_latest_due"), 12),
        Column("Link", lambda row: link(row["pk"]), 30),
    ]


def _update_rows(queryset):
    return queryset.values(
        "pk",
        "created_at",
        "action_id",
        "action__title",
        "action__finding__reference",
        "action__finding__inspection__programme",
        *_person_fields("author"),
        "status_before",
        "status_after",
        "progress",
        "rag",
        "note",
    )


def _update_columns(link) -> list[Column]:
    return [
        Column("Update ID", _key("pk"), 10),
        Column("Posted at", _key("created_at"), 20),
        Column("Action ID", _key("action_id"), 10),
        Column("Action", _key("action__title"), 40),
        Column("Finding reference", _key("action__finding__reference"), 12),
        Column("Inspection", _key("action__finding__inspection__programme"), 14),
        Column("Author", _person_of("author"), 24),
        Column("Status before", _key("status_before", STATUS), 16),
        Column("Status after", _key("status_after", STATUS), 16),
        Column("Progress (%)", _key("progress"), 10),
        Column("RAG", _key("rag", RAGS), 8),
        Column("Note", _key("note"), 60),
        Column("Action link", lambda row: link(row["action_id"]), 30),
    ]


def _decision_rows(queryset):
    return queryset.values(
        "pk",
        "decided_at",
        "outcome",
        "action_id",
        "action__title",
        "action__finding__reference",
        "action__finding__inspection__programme",
        "board__name",
        "meeting__date",
        "meeting__title",
        *_person_fields("decided_by"),
        "rationale",
    )


def extension_decisions(actions):
    """The board's decisions on extension requests of actions, as decision rows.

    A decision on an extension is a board decision too: the progress report and
    decisions.csv list them beside sign-offs and returns."""
    return (
        ExtensionRequest.objects.filter(action__in=actions)
        .exclude(state=ExtensionRequest.State.PENDING)
        .select_related(
            "action__finding__inspection", "action__finding__board", "decided_by", "meeting"
        )
    )


def _extension_rows(queryset):
    """Decided extension requests in the shape of _decision_rows (ids as "extension-N")."""
    for x in queryset.order_by("decided_at", "pk").iterator(chunk_size=CHUNK_ROWS):
        person = x.decided_by
        moved = f" (from {x.current_due_date:%Y-%m-%d})" if x.current_due_date else ""
        yield {
            "pk": f"extension-{x.pk}",
            "decided_at": x.decided_at,
            "outcome": f"extension_{x.state}",
            "action_id": x.action_id,
            "action__title": x.action.title,
            "action__finding__reference": x.action.finding.reference,
            "action__finding__inspection__programme": x.action.finding.inspection.programme,
            "board__name": x.action.finding.board.name if x.action.finding.board else None,
            "meeting__date": x.meeting.date if x.meeting else None,
            "meeting__title": x.meeting.title if x.meeting else None,
            "decided_by__first_name": person.first_name if person else "",
            "decided_by__last_name": person.last_name if person else "",
            "decided_by__username": person.username if person else "",
            "rationale": f"Due date {x.requested_due_date:%Y-%m-%d} asked{moved}. {x.rationale}",
        }


class MergedRows:
    """Two row streams merged in decided_at order, read like a values queryset."""

    def __init__(self, *streams):
        self.streams = streams

    def iterator(self, chunk_size=None):
        import heapq

        def when(row):
            return (row["decided_at"] is None, row["decided_at"] or timezone.now())

        return heapq.merge(*self.streams, key=when)


def _decision_columns(link) -> list[Column]:
    return [
        Column("Decision ID", _key("pk"), 10),
        Column("Decided at", _key("decided_at"), 20),
        Column("Outcome", _key("outcome", OUTCOMES), 16),
        Column("Action ID", _key("action_id"), 10),
        Column("Action", _key("action__title"), 40),
        Column("Finding reference", _key("action__finding__reference"), 12),
        Column("Inspection", _key("action__finding__inspection__programme"), 14),
        Column("Board", _key("board__name"), 20),
        Column("Meeting date", _key("meeting__date"), 12),
        Column("Meeting", _key("meeting__title"), 20),
        Column("Decided by", _person_of("decided_by"), 24),
        Column("Rationale", _key("rationale"), 60),
        Column("Action link", lambda row: link(row["action_id"]), 30),
    ]


def event_rows(queryset):
    return queryset.values(
        "pk",
        "created_at",
        "force__name",
        *_person_fields("actor"),
        "verb",
        "object_type",
        "object_id",
        "object_repr",
        "action_id",
        "summary",
        "changes",
        "data",
        "seq",
        "hash",
    )


def event_columns(link) -> list[Column]:
    return [
        Column("Event ID", _key("pk"), 10),
        Column("At", _key("created_at"), 20),
        Column("Force", _key("force__name"), 24),
        Column("Who", lambda row: _person_of("actor")(row) or "System", 24),
        Column("What", _key("verb"), 18),
        Column("Object type", _key("object_type"), 12),
        Column("Object ID", _key("object_id"), 10),
        Column("Object", _key("object_repr"), 40),
        Column("Action ID", _key("action_id"), 10),
        Column("Summary", _key("summary"), 40),
        Column("Changes (before, after)", _key("changes"), 40),
        Column("Details", _key("data"), 40),
        # Its link in the force's hash chain: the last of a day is that day's anchor.
        Column("Seq", _key("seq"), 8),
        Column("Hash", _key("hash"), 66),
    ]


# --- resources -------------------------------------------------------------------


class FilterError(ValueError):
    """The filters in the address could not be understood."""


@dataclass
class Export:
    """A filtered export, ready to stream: what, for whom, and how many rows per force."""

    resource: str
    title: str
    columns: list[Column]
    queryset: models.QuerySet
    filters: dict
    per_force: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(self.per_force.values())

    def rows(self) -> Iterator[list]:
        for row in self.queryset.iterator(chunk_size=CHUNK_ROWS):
            yield [column.get(row) for column in self.columns]


@dataclass(frozen=True)
class Resource:
    """How to build one export: the list it comes from and its columns."""

    title: str
    model: type
    filterset: type
    force_path: str  # from the exported model to its force id
    rows: Callable
    columns: Callable
    order: tuple[str, ...]
    action_path: str | None = None  # exported rows belong to the filtered actions
    roles: frozenset[str] = rules.EXPORTERS


RESOURCES = {
    "actions": Resource(
        "Actions",
        Action,
        ActionFilter,
        "finding__inspection__force_id",
        _action_rows,
        _action_columns,
        ("due_date", "pk"),
    ),
    "findings": Resource(
        "Findings",
        Finding,
        FindingFilter,
        "inspection__force_id",
        _finding_rows,
        _finding_columns,
        ("inspection__published", "inspection_id", "order", "pk"),
    ),
    "updates": Resource(
        "Updates",
        Update,
        ActionFilter,
        "action__finding__inspection__force_id",
        _update_rows,
        _update_columns,
        ("created_at", "pk"),
        action_path="action__in",
    ),
    "decisions": Resource(
        "Decisions",
        Decision,
        ActionFilter,
        "action__finding__inspection__force_id",
        _decision_rows,
        _decision_columns,
        ("decided_at", "pk"),
        action_path="action__in",
    ),
    "events": Resource(
        "Audit events",
        Event,
        EventFilter,
        "force_id",
        event_rows,
        event_columns,
        ("created_at", "pk"),
        roles=rules.AUDIT_READERS,
    ),
}


def scoped(model, user, force_path: str, roles: frozenset[str]):
    """model's rows in the forces where user holds one of roles; refused if none."""
    forces = forces_where(user, roles)
    if forces == []:
        raise PermissionDenied("You may not export from this list.")
    queryset = model.objects.all()
    return queryset if forces is None else queryset.filter(**{f"{force_path}__in": forces})


def filters_of(params, filterset) -> dict:
    """The filters as {name: [values]}, for the audit trail: only the parameters the list's
    filters read (and so validated), never whatever else the address carried."""
    names = tuple(filterset.form.fields)

    def is_filter(key: str) -> bool:
        # A range filter reads its field's name with a suffix (due_after, due_before).
        return key in names or key.startswith(tuple(f"{name}_" for name in names))

    return {k: v for k, v in params.lists() if is_filter(k) and any(v)}


def address_of(request, filters: dict) -> str:
    """The download's address for the audit trail, rebuilt from its validated filters."""
    query = urlencode(filters, doseq=True)
    return f"{request.path}?{query}" if query else request.path


def build_export(resource: str, *, user, params, request) -> Export:
    """The rows of one list, filtered exactly as the HTML list filters them."""
    spec = RESOURCES[resource]
    if spec.action_path:
        base = scoped(Action, user, "finding__inspection__force_id", spec.roles)
    else:
        base = scoped(spec.model, user, spec.force_path, spec.roles)
    filterset = spec.filterset(params or None, queryset=base, request=request)
    if filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(
            f"{filterset.form.fields[name].label or name}: {' '.join(errors)}"
            if name in filterset.form.fields
            else " ".join(errors)
            for name, errors in filterset.form.errors.items()
        )
        raise FilterError(f"Some filters were not understood: {problems}")
    chosen = filterset.qs if filterset.is_bound else base
    actions = chosen
    if spec.action_path:
        chosen = spec.model.objects.filter(**{spec.action_path: chosen.values("pk")})
    chosen = chosen.order_by(*spec.order)
    per_force = {
        row["x_force"]: row["n"]
        for row in chosen.order_by()
        .values(x_force=F(spec.force_path))
        .annotate(n=Count("pk", distinct=True))
    }
    rows = spec.rows(chosen)
    if resource == "decisions":
        extensions = extension_decisions(actions.values("pk"))
        for row in (
            extensions.order_by()
            .values(x_force=F("action__finding__inspection__force_id"))
            .annotate(n=Count("pk"))
        ):
            per_force[row["x_force"]] = per_force.get(row["x_force"], 0) + row["n"]
        rows = MergedRows(rows.iterator(chunk_size=CHUNK_ROWS), _extension_rows(extensions))
    detail = reverse("actions:detail", args=[999999999])
    finding = reverse("actions:finding", args=[999999999])
    root = request.build_absolute_uri("/")[:-1]
    target = finding if resource == "findings" else detail

    def link(pk):
        return f"{root}{target.replace('999999999', str(pk))}" if pk else ""

    return Export(
        resource=resource,
        title=spec.title,
        columns=spec.columns(link),
        queryset=rows,
        filters=filters_of(params, filterset),
        per_force=per_force,
    )


def record_download(
    user, *, verb: str, title: str, summary: str, per_force: dict, **data
) -> list[Event]:
    """One audit event per force whose records were taken away (who, filter, how many).

    An empty download is recorded against the user's own force, so nothing goes unseen.
    """
    per_force = {k: v for k, v in per_force.items() if k is not None} or {
        (force_ids_for(user) or [None])[0]: 0
    }
    total = sum(per_force.values())
    events = [
        Event(
            actor=user if user.is_authenticated else None,
            force_id=force_id,
            verb=verb,
            object_type="export",
            object_id=verb.split(".", 1)[-1][:50],
            object_repr=title[:300],
            summary=summary[:300],
            data={**data, "count": count, "total": total},
        )
        for force_id, count in per_force.items()
    ]
    with transaction.atomic():
        # bulk_create: one insert, however many forces a back-office export spans.
        return Event.objects.bulk_create(events)


def stream(export: Export, fmt: str) -> Iterator[bytes]:
    """The export's bytes in fmt ('csv' or 'xlsx')."""
    if fmt == "csv":
        return csv_stream([c.header for c in export.columns], export.rows())
    return xlsx_stream(export.title, export.columns, export.rows())
