"""Importing a parsed report: plan what would change, then apply it in one transaction.

A document never silently changes or loses what is held:

* every difference from the held inspection (its publication month), its judgments (grade,
  last inspected) and its findings (text, lead-in, section, timescale) is a `Change` the
  coordinator accepts or rejects one by one. A held value the document leaves out is not
  a difference: a document that covers part of an inspection (one pillar's web page) adds
  to it and never removes or replaces the rest;
* a change that only fills in an empty held value is accepted unless rejected; one that
  replaces a held value is kept as held unless accepted;
* every source document is kept (`InspectionSource`, with its SHA-256), never replaced;
* re-importing the same report changes nothing; nothing with actions is ever removed.
"""

import datetime as dt
import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from audit.models import Event
from forces.models import Force

from ..models import (
    Finding,
    FindingKind,
    FindingOrigin,
    Grade,
    Inspection,
    Judgment,
    Pillar,
    SourceKind,
    Theme,
)
from ..services import REFERENCE_PREFIX, finding_insert, next_reference, source_add

__all__ = [
    "REFERENCE_PREFIX",
    "Change",
    "ImportPlan",
    "PlanOutdated",
    "apply_import",
    "find_force",
    "parse_published",
    "plan_import",
    "word_diff",
]

# Below this similarity a finding is treated as new rather than a correction.
SAME_FINDING_RATIO = 0.75
USE, KEEP = "use", "keep"
# The finding fields a document states, compared with what is held.
FINDING_FIELDS = {
    "text": "Text",
    "lead_in": "Lead-in",
    "section": "Section",
    "timescale": "Timescale",
}
FINDING_LIMITS = {"section": 300, "timescale": 100}


class PlanOutdated(Exception):
    """What is held changed between the preview and the confirmation."""


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


def _clean(text) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def _similarity(a: str, b: str) -> float:
    # autojunk off: with it, texts over 200 characters lose their common letters.
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def word_diff(before: str, after: str) -> list[str]:
    """Readable changes between two texts, word by word: ["- lowest", "+ minimum"]."""
    old, new = before.split(), after.split()
    lines = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in {"replace", "delete"}:
            lines.append("- " + " ".join(old[i1:i2]))
        if op in {"replace", "insert"}:
            lines.append("+ " + " ".join(new[j1:j2]))
    return lines


def parse_published(value: str | None) -> dt.date | None:
    """'2020-02' -> 1 February 2020 (reports give the month, not the day)."""
    if not value:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not match:
        return None
    year, month, day = match.groups()
    try:
        return dt.date(int(year), int(month), int(day or 1))
    except ValueError:  # 2022-13
        return None


def _month(value: dt.date | None) -> str:
    return f"{value:%B %Y}" if value else "not known"


@dataclass
class Change:
    """One difference between the document and what is held, for the coordinator to decide.

    `key` names the decision in the preview form (`change-<key>`) and in `decisions`."""

    key: str
    subject: str
    field_label: str
    held: Any
    document: Any
    held_display: str
    document_display: str
    diff: list[str] = field(default_factory=list)

    @property
    def fills_gap(self) -> bool:
        """The held value is empty: accepting only adds to what is held."""
        return self.held in (None, "")

    @property
    def default(self) -> str | None:
        return USE if self.fills_gap else None


@dataclass
class PlannedJudgment:
    index: int
    pillar: str
    question: str
    grade: str
    last_inspected: str
    existing: Judgment | None
    changes: list[Change] = field(default_factory=list)

    @property
    def label(self) -> str:
        pillar = Pillar(self.pillar).label if self.pillar else ""
        if self.question:
            return f"{self.question} ({pillar})" if pillar else self.question
        return f"{pillar or 'Overall'} (overall grade)"

    @property
    def status(self) -> str:
        if self.existing is None:
            return "new"
        return "changed" if self.changes else "unchanged"


@dataclass
class PlannedFinding:
    index: int
    kind: str
    text: str
    section: str
    status: str  # "new", "unchanged", "changed"
    existing: Finding | None = None
    diff: list[str] = field(default_factory=list)
    parsed: dict = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportPlan:
    force_name: str | None
    programme: str | None
    published: dt.date | None
    inspection: Inspection | None
    findings: list[PlannedFinding]
    missing: list[Finding]  # held, not in this document: kept
    judgments: list[PlannedJudgment] = field(default_factory=list)
    missing_judgments: list[Judgment] = field(default_factory=list)  # held, not in it: kept
    inspection_changes: list[Change] = field(default_factory=list)
    # Filled in by apply_import: what was decided and written.
    accepted: list[Change] = field(default_factory=list)
    kept: list[Change] = field(default_factory=list)
    created_findings: list[Finding] = field(default_factory=list)

    @property
    def counts(self) -> dict:
        out = {"new": 0, "unchanged": 0, "changed": 0}
        for item in self.findings:
            out[item.status] += 1
        return out

    @property
    def changes(self) -> list[Change]:
        """Every difference from what is held, in page order."""
        out = list(self.inspection_changes)
        for judgment in self.judgments:
            out.extend(judgment.changes)
        for finding in self.findings:
            out.extend(finding.changes)
        return out

    @property
    def undecided_replacements(self) -> list[Change]:
        return [c for c in self.changes if c.default is None]

    @property
    def fingerprint(self) -> str:
        """What the plan was made against: a confirmation made on another version is refused."""
        state = {
            "inspection": self.inspection.pk if self.inspection else None,
            "changes": [[c.key, str(c.held), str(c.document)] for c in self.changes],
            "findings": [
                [f.index, f.status, f.existing.pk if f.existing else None] for f in self.findings
            ],
        }
        return hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()[:32]


def find_force(name: str | None) -> Force | None:
    if not name:
        return None
    return Force.objects.filter(name__iexact=name.strip()).first()


def _grade_of(label: str | None) -> str | None:
    try:
        return Grade.from_label(label or "")
    except ValueError:
        return None


def _plan_judgments(inspection: Inspection | None, items: list[dict]):
    held = {(j.pillar, j.question): j for j in inspection.judgments.all()} if inspection else {}
    planned, seen = [], set()
    for index, item in enumerate(items):
        grade = _grade_of(item.get("grade"))
        if grade is None:
            continue
        key = (Pillar.from_label(item.get("pillar")), item.get("question") or "")
        if key in seen:  # the same question twice in one document: the first counts
            continue
        seen.add(key)
        plan = PlannedJudgment(
            index=index,
            pillar=key[0],
            question=key[1],
            grade=grade,
            last_inspected=(item.get("last_inspected") or "")[:20],
            existing=held.get(key),
        )
        if plan.existing is None:
            shown = Grade(grade).label + (
                f", last inspected {plan.last_inspected}" if plan.last_inspected else ""
            )
            plan.changes.append(
                Change(
                    key=f"judgment-{index}",
                    subject=plan.label,
                    field_label="New judgment",
                    held=None,
                    document=grade,
                    held_display="not held",
                    document_display=shown,
                )
            )
        else:
            existing = plan.existing
            if grade != existing.grade:
                plan.changes.append(
                    Change(
                        key=f"judgment-{index}-grade",
                        subject=plan.label,
                        field_label="Grade",
                        held=existing.grade,
                        document=grade,
                        held_display=existing.get_grade_display(),
                        document_display=Grade(grade).label,
                    )
                )
            if plan.last_inspected and plan.last_inspected != existing.last_inspected:
                plan.changes.append(
                    Change(
                        key=f"judgment-{index}-last_inspected",
                        subject=plan.label,
                        field_label="Last inspected",
                        held=existing.last_inspected,
                        document=plan.last_inspected,
                        held_display=existing.last_inspected or "not held",
                        document_display=plan.last_inspected,
                    )
                )
        planned.append(plan)
    missing = [j for key, j in held.items() if key not in seen]
    return planned, missing


def _document_value(item: dict, name: str) -> str:
    if name == "lead_in":
        return _clean(item.get("lead_in") or item.get("stem"))
    if name == "text":
        return (item.get("text") or "").strip()
    return _clean(item.get(name))[: FINDING_LIMITS.get(name)]


def _finding_changes(index: int, finding: Finding, item: dict) -> list[Change]:
    changes = []
    for name, label in FINDING_FIELDS.items():
        document = _document_value(item, name)
        held = getattr(finding, name) or ""
        if not document or _norm(document) == _norm(held):
            continue  # a document that leaves a field out never empties it
        changes.append(
            Change(
                key=f"finding-{index}-{name}",
                subject=finding.reference,
                field_label=label,
                held=held,
                document=document,
                held_display=held or "not held",
                document_display=document,
                diff=word_diff(held, document) if held and name in {"text", "lead_in"} else [],
            )
        )
    return changes


def plan_import(parsed: dict, *, force: Force | None) -> ImportPlan:
    """Compare a parsed report with what is already held; write nothing."""
    inspection = None
    if force is not None and parsed.get("programme"):
        inspection = Inspection.objects.filter(force=force, programme=parsed["programme"]).first()
    existing = list(inspection.findings.all()) if inspection else []
    unmatched = {f.pk: f for f in existing}
    planned = []
    for index, item in enumerate(parsed.get("findings", [])):
        text = (item.get("text") or "").strip()
        candidates = [f for f in unmatched.values() if f.kind == item.get("kind")]
        exact = next((f for f in candidates if _norm(f.text) == _norm(text)), None)
        match, diff = exact, []
        if match is None:
            scored = [(_similarity(f.text, text), f) for f in candidates]
            scored.sort(key=lambda pair: -pair[0])
            if scored and scored[0][0] >= SAME_FINDING_RATIO:
                match = scored[0][1]
                diff = word_diff(match.text, text)
        changes = []
        if match is not None:
            unmatched.pop(match.pk)
            changes = _finding_changes(index, match, item)
        status = "new" if match is None else ("changed" if changes else "unchanged")
        planned.append(
            PlannedFinding(
                index=index,
                kind=item.get("kind") or FindingKind.OTHER,
                text=text,
                section=item.get("section") or "",
                status=status,
                existing=match,
                diff=diff,
                parsed=item,
                changes=changes,
            )
        )
    judgments, missing_judgments = _plan_judgments(inspection, parsed.get("judgments", []))
    published = parse_published(parsed.get("published"))
    inspection_changes = []
    if inspection is not None and published and published != inspection.published:
        inspection_changes.append(
            Change(
                key="published",
                subject="The inspection",
                field_label="Month of publication",
                held=inspection.published.isoformat() if inspection.published else None,
                document=published.isoformat(),
                held_display=_month(inspection.published),
                document_display=_month(published),
            )
        )
    return ImportPlan(
        force_name=force.name if force else parsed.get("force"),
        programme=parsed.get("programme"),
        published=published,
        inspection=inspection,
        findings=planned,
        missing=list(unmatched.values()),
        judgments=judgments,
        missing_judgments=missing_judgments,
        inspection_changes=inspection_changes,
    )


def _theme(value: str | None) -> str:
    return value if value in Theme.values else ""


@transaction.atomic
def apply_import(
    parsed: dict,
    *,
    force: Force | None = None,
    by=None,
    source: bytes | None = None,
    source_name: str = "",
    selected: set[int] | None = None,
    decisions: dict[str, str] | None = None,
    expected: str | None = None,
) -> tuple[Inspection, ImportPlan]:
    """Create or add to the inspection: new judgments and the selected new findings, and
    each change to held data that `decisions` accepts ({key: "use" or "keep"}).

    A change left undecided keeps the held value, unless it only fills a gap. `expected`
    is the fingerprint of the plan the coordinator saw: if what is held changed since,
    PlanOutdated is raised and nothing is written."""
    force_name = force.name if force else parsed.get("force")
    if not force_name:
        raise ValueError("The report does not name a force: choose the force it is about.")
    if not parsed.get("programme"):
        raise ValueError("The report does not say which inspection programme it belongs to.")
    if force is None:
        force, _ = Force.objects.get_or_create(
            name__iexact=force_name, defaults={"name": force_name, "slug": slugify(force_name)}
        )
    decisions = decisions or {}
    # Lock the held inspection, so two confirmations of the same import run one after the other.
    held = (
        Inspection.objects.select_for_update()
        .filter(force=force, programme=parsed["programme"])
        .first()
    )
    plan = plan_import(parsed, force=force)
    if expected is not None and plan.fingerprint != expected:
        raise PlanOutdated(
            "What is held changed while you were checking (someone else imported or edited "
            "this inspection). Check the differences again."
        )
    created = held is None
    if created:
        inspection, created = Inspection.objects.get_or_create(
            force=force,
            programme=parsed["programme"],
            defaults={"published": plan.published, "imported_by": by},
        )
    else:
        inspection = held
    accepted, kept = [], []

    def decide(change: Change) -> bool:
        use = decisions.get(change.key, change.default) == USE
        (accepted if use else kept).append(change)
        return use

    for change in plan.inspection_changes:
        if decide(change):
            inspection.correct_from_import(by=by, changes={"published": plan.published})

    kept_source = None
    if source is not None:
        kept_source, _new = source_add(
            by=by,
            data=source,
            name=source_name,
            kind=SourceKind.IMPORTED,
            inspection=inspection,
            format=parsed.get("source_format", ""),
            description=_coverage(parsed),
        )

    judgments = _import_judgments(inspection, plan, decide, by)
    created_findings, changed_findings = _import_findings(
        inspection, plan, judgments, selected=selected, decide=decide, by=by, source=kept_source
    )
    Event.record(
        by,
        "inspection.import",
        inspection,
        summary=(
            f"Report imported: {len(created_findings)} new finding(s), "
            f"{len(accepted)} change(s) accepted, {len(kept)} kept as held"
        ),
        source_sha256=kept_source.sha256 if kept_source else "",
        source_name=source_name,
        created=created,
        accepted=[_describe(c) for c in accepted],
        kept=[_describe(c) for c in kept],
    )
    plan.accepted, plan.kept, plan.created_findings = accepted, kept, created_findings
    return inspection, plan


def _describe(change: Change) -> dict:
    return {
        "subject": change.subject,
        "field": change.field_label,
        "held": change.held_display,
        "document": change.document_display,
    }


def _coverage(parsed: dict) -> str:
    return (
        f"{len(parsed.get('judgments', []))} judgment(s), "
        f"{len(parsed.get('findings', []))} finding(s)"
    )


def _import_judgments(inspection: Inspection, plan: ImportPlan, decide, by) -> dict:
    """Add new judgments and apply accepted changes; returns every judgment by key."""
    held = {(j.pillar, j.question): j for j in inspection.judgments.all()}
    # A document that covers every held judgment sets their order; a partial one appends.
    covers_all = not plan.missing_judgments
    top = max((j.order for j in held.values()), default=-1)
    for item in plan.judgments:
        key = (item.pillar, item.question)
        judgment = held.get(key)
        if judgment is None:
            if item.changes and not decide(item.changes[0]):
                continue
            judgment = Judgment.objects.create(
                inspection=inspection,
                pillar=item.pillar,
                question=item.question,
                grade=item.grade,
                last_inspected=item.last_inspected,
                order=item.index if covers_all else top + 1 + item.index,
            )
            Event.record(
                by,
                "judgment.create",
                judgment,
                summary=f"Judgment added: {judgment}",
                changes={"grade": [None, judgment.grade]},
            )
            held[key] = judgment
            continue
        before = {"grade": judgment.grade, "last_inspected": judgment.last_inspected}
        for change in item.changes:
            if decide(change):
                name = change.key.rsplit("-", 1)[1]
                setattr(judgment, name, change.document)
        after = {"grade": judgment.grade, "last_inspected": judgment.last_inspected}
        if after != before:
            judgment.save(update_fields=list(after))
            Event.record(
                by,
                "judgment.correct",
                judgment,
                summary=f"Judgment corrected by an import: {judgment}",
                changes={k: [before[k], after[k]] for k in after if before[k] != after[k]},
            )
    return held


# Report section headings that name a graded question differently.
SECTION_ALIASES = {
    "treating the public fairly": "fair treatment of the public",
    "treating the workforce fairly": "fair treatment of the workforce",
    "armed policing": "armed response capability",
    "protecting vulnerable people": "protecting vulnerable people",
    "planning for the future": "planning for the future",
}


def _judgment_for(section: str, judgments: dict) -> Judgment | None:
    """The graded question a finding's section belongs to, when the names agree."""
    wanted = _norm(section)
    wanted = SECTION_ALIASES.get(wanted, wanted)
    if not wanted:
        return None
    for (_pillar, question), judgment in judgments.items():
        if question and (_norm(question) == wanted or wanted in _norm(question)):
            return judgment
    return None


def _import_findings(
    inspection, plan: ImportPlan, judgments: dict, *, selected, decide, by, source
):
    by_index: dict[int, Finding] = {}
    created, changed = [], []
    covers_all = not plan.missing
    top = max((f.order for f in inspection.findings.all()), default=-1)
    for item in plan.findings:
        parsed = item.parsed
        if item.existing is not None:
            by_index[item.index] = item.existing
            updates = {}
            for change in item.changes:
                if decide(change):
                    updates[change.key.rsplit("-", 1)[1]] = change.document
            if updates:
                item.existing.correct_from_import(by=by, changes=updates)
                changed.append(item.existing)
            continue
        if selected is not None and item.index not in selected:
            continue
        parent = by_index.get(parsed.get("parent")) if parsed.get("parent") is not None else None
        reference = next_reference(inspection, item.kind)
        finding = finding_insert(
            inspection=inspection,
            by=by,
            kind=item.kind,
            text=item.text,
            reference=reference,
            origin=FindingOrigin.IMPORTED,
            order=item.index if covers_all else top + 1 + item.index,
            summary=f"{reference} imported",
            lead_in=_document_value(parsed, "lead_in"),
            section=item.section[:300],
            judgment=_judgment_for(item.section, judgments),
            theme=_theme(parsed.get("theme")),
            timescale=(parsed.get("timescale") or "")[:100],
            cause_of_concern=parent,
            source=source,
            source_line=parsed.get("line"),
        )
        created.append(finding)
        by_index[item.index] = finding
    return created, changed
