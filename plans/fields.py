"""The fields an action plan's columns map to, how a heading is recognised, and how each
cell's wording becomes a value PEELtrack holds (or a message saying why it cannot)."""

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from actions.models import RAG, Priority, Status
from inspections.models import FindingKind


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    hint: str
    headings: tuple[str, ...]  # headings that mean this field, lower case


FIELDS = [
    Field(
        "reference",
        "Row reference",
        "A reference that stays the same in every version of the plan (an action ID). "
        "The next upload updates the action with the same reference.",
        (
            "reference",
            "ref",
            "id",
            "action id",
            "action ref",
            "action reference",
            "action no",
            "action number",
            "no",
            "no.",
            "number",
            "unique id",
        ),
    ),
    Field(
        "inspection",
        "Inspection",
        "The inspection's name as PEELtrack holds it (PEEL 2023–25). Rows that leave it "
        "empty belong to the inspection chosen on the upload page.",
        ("inspection", "report", "programme", "source", "inspection name"),
    ),
    Field(
        "finding_reference",
        "Finding reference",
        "The finding the action answers, by its reference (AFI 3).",
        (
            "finding reference",
            "finding ref",
            "finding id",
            "finding no",
            "afi",
            "afi ref",
            "afi reference",
            "recommendation ref",
            "recommendation reference",
            "rec ref",
        ),
    ),
    Field(
        "finding_text",
        "Finding text",
        "The finding's words: used to find it when there is no reference, or to add it.",
        (
            "finding",
            "finding text",
            "area for improvement",
            "afi text",
            "recommendation",
            "cause of concern",
            "finding description",
            "issue",
        ),
    ),
    Field(
        "finding_kind",
        "Finding kind",
        "Area for improvement, cause of concern, recommendation or other, for a new finding.",
        ("finding kind", "finding type", "type", "kind", "category"),
    ),
    Field(
        "title",
        "Action",
        "What will be done, in a line. Needed for every row.",
        (
            "action",
            "action title",
            "title",
            "activity",
            "task",
            "action required",
            "action to be taken",
            "actions",
        ),
    ),
    Field(
        "description",
        "Description",
        "More about the action.",
        (
            "description",
            "detail",
            "details",
            "action detail",
            "action details",
            "what will be done",
        ),
    ),
    Field(
        "owner",
        "Owner",
        "Who does the work: their email address, their name or their PEELtrack username.",
        (
            "owner",
            "action owner",
            "lead",
            "action lead",
            "responsible",
            "responsible officer",
            "owner email",
            "assigned to",
            "lead officer",
        ),
    ),
    Field("team", "Team", "", ("team", "department", "business area", "unit", "directorate")),
    Field("priority", "Priority", "High, medium or low.", ("priority",)),
    Field("start_date", "Start date", "", ("start", "start date", "date started")),
    Field(
        "due_date",
        "Due date",
        "Past dates are accepted, for history.",
        (
            "due",
            "due date",
            "target date",
            "deadline",
            "target",
            "date due",
            "target completion date",
        ),
    ),
    Field(
        "status",
        "Status",
        "Not started, in progress, on hold, submitted for closure or closed (complete).",
        ("status", "action status", "progress status", "state"),
    ),
    Field(
        "progress", "Progress (%)", "", ("progress", "% complete", "percent complete", "progress %")
    ),
    Field("rag", "RAG", "Red, amber or green.", ("rag", "rag status", "rag rating", "brag")),
    Field(
        "closed_date",
        "Date closed",
        "For closed rows; past dates are accepted.",
        (
            "closed",
            "date closed",
            "closed date",
            "completed",
            "completion date",
            "date completed",
            "date closed/completed",
        ),
    ),
    Field(
        "closing_summary",
        "Closing summary",
        "What was done, for closed rows.",
        (
            "closing summary",
            "closure note",
            "closure summary",
            "evidence of completion",
            "outcome",
            "closure rationale",
        ),
    ),
    Field(
        "update",
        "Latest update",
        "The latest progress note: added to the action's history when it changes.",
        (
            "update",
            "latest update",
            "progress update",
            "comments",
            "comment",
            "notes",
            "commentary",
            "progress note",
        ),
    ),
]
FIELD_NAMES = [f.name for f in FIELDS]
FIELD_LABELS = {f.name: f.label for f in FIELDS}


def _heading_key(text: str) -> str:
    return re.sub(r"[\s_]+", " ", str(text or "")).strip().lower().rstrip(":")


def guess_mapping(headings: list[str], remembered: dict | None = None) -> dict[str, int]:
    """{field: column index}: the force's remembered headings first, then known wordings."""
    keys = [_heading_key(h) for h in headings]
    mapping: dict[str, int] = {}
    taken: set[int] = set()
    for name, heading in (remembered or {}).items():
        key = _heading_key(heading)
        if name in FIELD_NAMES and key in keys and keys.index(key) not in taken:
            mapping[name] = keys.index(key)
            taken.add(keys.index(key))
    for spec in FIELDS:
        if spec.name in mapping:
            continue
        for index, key in enumerate(keys):
            if index not in taken and key in spec.headings:
                mapping[spec.name] = index
                taken.add(index)
                break
    return mapping


def check_mapping(mapping: dict[str, int]) -> list[str]:
    """What a mapping lacks for rows to be imported."""
    problems = []
    if "title" not in mapping:
        problems.append("Choose the column that holds the action")
    if "finding_reference" not in mapping and "finding_text" not in mapping:
        problems.append(
            "Choose the column that holds the finding's reference or the finding's text"
        )
    return problems


# --- cell values -------------------------------------------------------------------------


class CellError(ValueError):
    """A cell's value cannot be used; the message is shown against its row."""


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return re.sub(r"[ \t]+", " ", str(value)).strip()


DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%d %B %y",
    "%d %b %y",
    "%d-%b-%Y",
    "%d-%b-%y",
)
MONTH_FORMATS = ("%B %Y", "%b %Y", "%m/%Y", "%Y-%m")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def date(value, label: str) -> dt.date | None:
    """A date from a date cell or wording; a month alone means its last day ("by March")."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and 20_000 <= value <= 80_000:  # an Excel serial date
        return EXCEL_EPOCH + dt.timedelta(days=int(value))
    raw = text(value)
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", raw, flags=re.IGNORECASE)
    cleaned = re.sub(r"\s+00:00(:00)?$", "", cleaned)
    for pattern in DATE_FORMATS:
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    for pattern in MONTH_FORMATS:
        try:
            first = dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        return first.replace(day=calendar.monthrange(first.year, first.month)[1])
    raise CellError(f"{label} “{raw[:40]}” is not a date: write it as 31/03/2025")


STATUS_WORDS = {
    Status.NOT_STARTED: (
        "not started",
        "not yet started",
        "open",
        "new",
        "to do",
        "todo",
        "planned",
        "not due",
    ),
    Status.IN_PROGRESS: (
        "in progress",
        "ongoing",
        "started",
        "in hand",
        "underway",
        "under way",
        "progressing",
        "active",
        "on track",
    ),
    Status.ON_HOLD: ("on hold", "paused", "deferred", "suspended", "hold"),
    Status.SUBMITTED: (
        "submitted",
        "submitted for closure",
        "awaiting closure",
        "pending closure",
        "for closure",
        "proposed for closure",
        "ready for closure",
        "awaiting sign off",
        "awaiting sign-off",
    ),
    Status.CLOSED: (
        "closed",
        "complete",
        "completed",
        "done",
        "discharged",
        "signed off",
        "signed-off",
        "finished",
        "achieved",
    ),
}
_STATUS = {word: status for status, words in STATUS_WORDS.items() for word in words}


def status(value) -> str | None:
    raw = text(value)
    if not raw:
        return None
    found = _STATUS.get(_heading_key(raw)) or (raw if raw in Status.values else None)
    if found is None:
        raise CellError(
            f"Status “{raw[:40]}” is not one PEELtrack knows: use Not started, In progress, "
            "On hold, Submitted for closure or Closed"
        )
    return found


_RAG = {
    "red": RAG.RED,
    "r": RAG.RED,
    "amber": RAG.AMBER,
    "a": RAG.AMBER,
    "orange": RAG.AMBER,
    "yellow": RAG.AMBER,
    "green": RAG.GREEN,
    "g": RAG.GREEN,
    "blue": RAG.GREEN,
    "b": RAG.GREEN,
}


def rag(value) -> str:
    raw = text(value)
    if not raw:
        return ""
    found = _RAG.get(raw.lower())
    if found is None:
        raise CellError(f"RAG “{raw[:40]}” must be red, amber or green")
    return found


_PRIORITY = {
    "high": Priority.HIGH,
    "h": Priority.HIGH,
    "1": Priority.HIGH,
    "medium": Priority.MEDIUM,
    "med": Priority.MEDIUM,
    "m": Priority.MEDIUM,
    "2": Priority.MEDIUM,
    "low": Priority.LOW,
    "l": Priority.LOW,
    "3": Priority.LOW,
}


def priority(value) -> str | None:
    raw = text(value)
    if not raw:
        return None
    found = _PRIORITY.get(raw.lower())
    if found is None:
        raise CellError(f"Priority “{raw[:40]}” must be high, medium or low")
    return found


def progress(value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, (int, float)):
        number = value * 100 if isinstance(value, float) and 0 < value < 1 else value
    else:
        raw = text(value).rstrip("%").strip()
        try:
            number = float(raw)
        except ValueError as error:
            raise CellError(
                f"Progress “{text(value)[:40]}” must be a number from 0 to 100"
            ) from error
    if not 0 <= number <= 100:
        raise CellError(f"Progress {text(value)} must be from 0 to 100")
    return round(number)


_KINDS = {
    "afi": FindingKind.AREA_FOR_IMPROVEMENT,
    "area for improvement": FindingKind.AREA_FOR_IMPROVEMENT,
    "coc": FindingKind.CAUSE_OF_CONCERN,
    "cause of concern": FindingKind.CAUSE_OF_CONCERN,
    "rec": FindingKind.RECOMMENDATION,
    "recommendation": FindingKind.RECOMMENDATION,
    "national recommendation": FindingKind.NATIONAL_RECOMMENDATION,
    "other": FindingKind.OTHER,
}


def finding_kind(value, reference: str = "") -> str:
    """A kind from its wording, else from the reference's prefix (AFI 3), else "other"."""
    raw = _heading_key(text(value))
    if raw in _KINDS:
        return _KINDS[raw]
    for kind in FindingKind:
        if raw in {kind.value.replace("_", " "), kind.label.lower()}:
            return kind.value
    prefix = re.match(r"[a-z]+", _heading_key(reference))
    if prefix and prefix.group(0) in {"afi", "coc", "rec"}:
        return _KINDS[prefix.group(0)]
    if prefix and prefix.group(0) in {"r", "recommendation"}:
        return FindingKind.RECOMMENDATION
    return FindingKind.OTHER


def same_reference(reference: str) -> str:
    """References compared without case or spaces: "AFI3" is "AFI 3"."""
    return re.sub(r"[\s.:-]+", "", reference or "").lower()
