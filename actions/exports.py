"""Streaming CSV and XLSX exports of the filtered lists an auditor takes away.

One column definition per resource (actions, findings, updates, decisions, audit
events); rows come from one query read in chunks, so the first bytes leave at once
and memory stays flat however many rows there are.

XLSX is written by a small streaming SpreadsheetML writer over zipstream-ng (the
library the evidence packs use) rather than XlsxWriter: XlsxWriter's
constant_memory mode keeps memory flat but can only hand over the file once it is
complete, so a 100,000-row workbook would make the browser wait with nothing
arriving. Cells hold inline strings, real numbers and real dates (ISO 8601 number
formats), which every spreadsheet program reads.
"""

import csv
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape
from zipfile import ZIP_DEFLATED

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, Concat
from django.urls import reverse
from django.utils import timezone
from zipstream import ZipStream

from inspections.filters import FindingFilter
from inspections.models import Finding, FindingKind, Grade, Pillar, Theme

from . import rules
from .filters import ActionFilter, EventFilter
from .models import (
    RAG,
    Action,
    Decision,
    Event,
    Evidence,
    Outcome,
    Priority,
    Status,
    Update,
)

CHUNK_ROWS = 2000  # rows fetched from the database at a time
FLUSH_ROWS = 500  # rows encoded before a chunk of bytes is handed to the server

# A cell starting with one of these is treated as a formula by Excel, LibreOffice
# and Google Sheets (tab and carriage return too, which some of them strip first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(text: str) -> str:
    """Neutralise spreadsheet formula injection: a leading quote makes the cell text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def iso(value) -> str:
    """ISO 8601: dates as 2025-03-01, times in local time with their UTC offset."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def cell_text(value) -> str:
    """One value as CSV text: ISO dates, Yes/No, JSON for structures, escaped text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return iso(value)
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        value = _json(value)
    return safe_cell(str(value))


def person(first: str | None, last: str | None, username: str | None) -> str:
    """'Jo Bloggs (jbloggs)': a name a person reads and a username that is unique."""
    if not username:
        return ""
    name = f"{first or ''} {last or ''}".strip()
    return f"{name} ({username})" if name else username


# --- columns -------------------------------------------------------------------


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
OUTCOMES = dict(Outcome.choices)


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
        "x_actions",
        "x_open",
        "x_overdue",
        "x_latest_due",
    )


def _finding_columns(link) -> list[Column]:
    from inspections.models import ForceProgress, InspectorateStatus

    return [
        Column("Finding ID", _key("pk"), 10),
        Column("Reference", _key("reference"), 12),
        Column("Kind", _key("kind", KINDS), 20),
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


def _event_rows(queryset):
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
    )


def _event_columns(link) -> list[Column]:
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
        _event_rows,
        _event_columns,
        ("created_at", "pk"),
        roles=rules.AUDIT_READERS,
    ),
}


def scoped(model, user, force_path: str, roles: frozenset[str]):
    """model's rows in the forces where user holds one of roles; refused if none."""
    forces = rules.forces_where(user, roles)
    if forces == []:
        raise PermissionDenied("You may not export from this list.")
    queryset = model.objects.all()
    return queryset if forces is None else queryset.filter(**{f"{force_path}__in": forces})


def filters_of(params) -> dict:
    """The filters as {name: [values]}, for the audit trail (page number left out)."""
    return {k: v for k, v in params.lists() if k not in {"page", "format"} and any(v)}


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
    if spec.action_path:
        chosen = spec.model.objects.filter(**{spec.action_path: chosen.values("pk")})
    chosen = chosen.order_by(*spec.order)
    per_force = {
        row["x_force"]: row["n"]
        for row in chosen.order_by()
        .values(x_force=F(spec.force_path))
        .annotate(n=Count("pk", distinct=True))
    }
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
        queryset=spec.rows(chosen),
        filters=filters_of(params),
        per_force=per_force,
    )


def record_download(
    user, *, verb: str, title: str, summary: str, per_force: dict, **data
) -> list[Event]:
    """One audit event per force whose records were taken away (who, filter, how many).

    An empty download is recorded against the user's own force, so nothing goes unseen.
    """
    from inspections.querysets import force_ids_for

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


# --- writers -------------------------------------------------------------------


class _Echo:
    """A file-like object whose write() returns what it was given (csv.writer target)."""

    def write(self, value):
        return value


def csv_stream(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so Excel reads it as UTF-8), in chunks."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow(headers)).encode("utf-8")
    batch = []
    for row in rows:
        batch.append(writer.writerow([cell_text(value) for value in row]))
        if len(batch) >= FLUSH_ROWS:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


# Characters XML 1.0 cannot hold at all: dropped rather than making the file unreadable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_MAX_TEXT = 32767
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Styles: 0 plain, 1 bold heading, 2 date (yyyy-mm-dd), 3 date and time (ISO 8601).
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd&quot;T&quot;hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(text: str) -> str:
    # A bare carriage return would be read back as a line feed: keep it as a reference.
    return xml_escape(_XML_ILLEGAL.sub("", text[:_EXCEL_MAX_TEXT]), {"\r": "&#13;"})


def _xlsx_cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value).replace(tzinfo=None)
        serial = (local - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="3"><v>{serial:.6f}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="2"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    if isinstance(value, dict | list):
        value = _json(value)
    text = _xml_text(safe_cell(str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(columns: list[Column], rows: Iterable[list]) -> Iterator[bytes]:
    letters = [_column_letter(i) for i in range(len(columns))]
    widths = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{c.width}" customWidth="1"/>'
        for i, c in enumerate(columns)
    )
    header = "".join(
        f'<c r="{letter}1" t="inlineStr" s="1"><is><t>{_xml_text(c.header)}</t></is></c>'
        for letter, c in zip(letters, columns, strict=True)
    )
    yield (
        f'{_XML}<worksheet xmlns="{_NS}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        f'<cols>{widths}</cols><sheetData><row r="1">{header}</row>'
    ).encode()
    batch = []
    for number, row in enumerate(rows, start=2):
        cells = "".join(
            _xlsx_cell(f"{letter}{number}", value)
            for letter, value in zip(letters, row, strict=True)
        )
        batch.append(f'<row r="{number}">{cells}</row>')
        if len(batch) >= FLUSH_ROWS:
            yield "".join(batch).encode()
            batch = []
    batch.append("</sheetData></worksheet>")
    yield "".join(batch).encode()


def xlsx_stream(sheet: str, columns: list[Column], rows: Iterable[list]) -> Iterator[bytes]:
    """A one-sheet XLSX workbook, zipped while the rows are read."""
    name = _xml_text(re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31]) or "Sheet1"
    workbook = (
        f'{_XML}<workbook xmlns="{_NS}" xmlns:r="{_REL}">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    archive = ZipStream(compress_type=ZIP_DEFLATED, compress_level=6)
    archive.add(_CONTENT_TYPES, "[Content_Types].xml")
    archive.add(_ROOT_RELS, "_rels/.rels")
    archive.add(workbook, "xl/workbook.xml")
    archive.add(_WORKBOOK_RELS, "xl/_rels/workbook.xml.rels")
    archive.add(_STYLES, "xl/styles.xml")
    archive.add(_sheet_xml(columns, rows), "xl/worksheets/sheet1.xml")
    yield from archive


def stream(export: Export, fmt: str) -> Iterator[bytes]:
    """The export's bytes in fmt ('csv' or 'xlsx')."""
    if fmt == "csv":
        return csv_stream([c.header for c in export.columns], export.rows())
    return xlsx_stream(export.title, export.columns, export.rows())
