"""Importing a parsed report: plan what would change, then apply it in one transaction.

Re-importing the same or a corrected report is idempotent: findings are matched to
those already held, changed text is shown as a difference, and nothing with actions
is ever removed.
"""

import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.text import slugify

from audit.models import Event
from forces.models import Force

from ..models import Finding, FindingKind, Grade, Inspection, Judgment, Pillar, Theme

REFERENCE_PREFIX = {
    FindingKind.AREA_FOR_IMPROVEMENT: "AFI",
    FindingKind.CAUSE_OF_CONCERN: "CoC",
    FindingKind.RECOMMENDATION: "Rec",
    FindingKind.NATIONAL_RECOMMENDATION: "NRec",
    FindingKind.OTHER: "Other",
}
# Below this similarity a finding is treated as new rather than a correction.
SAME_FINDING_RATIO = 0.75


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip().lower()


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


@dataclass
class ImportPlan:
    force_name: str | None
    programme: str | None
    published: dt.date | None
    inspection: Inspection | None
    findings: list[PlannedFinding]
    missing: list[Finding]  # held before, not in this version of the report

    @property
    def counts(self) -> dict:
        out = {"new": 0, "unchanged": 0, "changed": 0}
        for item in self.findings:
            out[item.status] += 1
        return out


def find_force(name: str | None) -> Force | None:
    if not name:
        return None
    return Force.objects.filter(name__iexact=name.strip()).first()


def plan_import(parsed: dict, *, force: Force | None) -> ImportPlan:
    """Compare a parsed report with what is already held; write nothing."""
    inspection = None
    if force is not None and parsed.get("programme"):
        inspection = Inspection.objects.filter(force=force, programme=parsed["programme"]).first()
    existing = list(inspection.findings.all()) if inspection else []
    unmatched = {f.pk: f for f in existing}
    planned = []
    for index, item in enumerate(parsed.get("findings", [])):
        text = item["text"].strip()
        candidates = [f for f in unmatched.values() if f.kind == item["kind"]]
        exact = next((f for f in candidates if _norm(f.text) == _norm(text)), None)
        status, match, diff = "new", None, []
        if exact:
            status, match = "unchanged", exact
        else:
            scored = [(_similarity(f.text, text), f) for f in candidates]
            scored.sort(key=lambda pair: -pair[0])
            if scored and scored[0][0] >= SAME_FINDING_RATIO:
                status, match = "changed", scored[0][1]
                diff = word_diff(match.text, text)
        if match is not None:
            unmatched.pop(match.pk)
        planned.append(
            PlannedFinding(
                index=index,
                kind=item["kind"],
                text=text,
                section=item.get("section") or "",
                status=status,
                existing=match,
                diff=diff,
                parsed=item,
            )
        )
    return ImportPlan(
        force_name=force.name if force else parsed.get("force"),
        programme=parsed.get("programme"),
        published=parse_published(parsed.get("published")),
        inspection=inspection,
        findings=planned,
        missing=list(unmatched.values()),
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
) -> tuple[Inspection, ImportPlan]:
    """Create or update the inspection, its judgments and the selected findings."""
    force_name = force.name if force else parsed.get("force")
    if not force_name:
        raise ValueError("The report does not name a force: choose the force it is about.")
    if not parsed.get("programme"):
        raise ValueError("The report does not say which inspection programme it belongs to.")
    if force is None:
        force, _ = Force.objects.get_or_create(
            name__iexact=force_name, defaults={"name": force_name, "slug": slugify(force_name)}
        )
    plan = plan_import(parsed, force=force)
    inspection, created = Inspection.objects.get_or_create(
        force=force,
        programme=parsed["programme"],
        defaults={"published": plan.published, "imported_by": by},
    )
    if plan.published and inspection.published != plan.published:
        inspection.published = plan.published
        inspection.save(update_fields=["published"])
    if source is not None:
        digest = hashlib.sha256(source).hexdigest()
        if digest != inspection.source_sha256:
            inspection.source_file.save(
                slugify(f"{force.slug}-{parsed['programme']}") or "report",
                ContentFile(source),
                save=False,
            )
            inspection.source_sha256 = digest
            inspection.source_name = source_name[:255]
            inspection.source_format = parsed.get("source_format", "")[:10]
            inspection.save()

    judgments = _import_judgments(inspection, parsed.get("judgments", []))
    created_findings, changed_findings = _import_findings(
        inspection, plan, judgments, selected=selected, by=by
    )
    Event.record(
        by,
        "inspection.import",
        inspection,
        summary=(
            f"Report imported: {len(created_findings)} new finding(s), "
            f"{len(changed_findings)} corrected, {len(judgments)} judgment(s)"
        ),
        source_sha256=inspection.source_sha256,
        source_name=source_name,
        created=created,
    )
    return inspection, plan


def _import_judgments(inspection: Inspection, items: list[dict]) -> dict:
    """Upsert judgments by (pillar, question); returns them keyed that way."""
    held = {(j.pillar, j.question): j for j in inspection.judgments.all()}
    for order, item in enumerate(items):
        key = (Pillar.from_label(item.get("pillar")), item.get("question") or "")
        try:
            grade = Grade.from_label(item["grade"])
        except ValueError:
            continue
        judgment = held.get(key) or Judgment(inspection=inspection, pillar=key[0], question=key[1])
        judgment.grade = grade
        judgment.last_inspected = item.get("last_inspected") or ""
        judgment.order = order
        judgment.save()
        held[key] = judgment
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


def _import_findings(inspection, plan: ImportPlan, judgments: dict, *, selected, by):
    numbers = {}
    for ref in inspection.findings.values_list("reference", flat=True):
        prefix, _, number = ref.rpartition(" ")
        if number.isdigit():
            numbers[prefix] = max(numbers.get(prefix, 0), int(number))
    by_index: dict[int, Finding] = {}
    created, changed = [], []
    for item in plan.findings:
        if selected is not None and item.index not in selected:
            continue
        parsed = item.parsed
        if item.status == "unchanged":
            by_index[item.index] = item.existing
            continue
        if item.status == "changed":
            finding = item.existing
            before = finding.text
            finding.text = item.text
            finding.save(update_fields=["text"])
            Event.record(
                by,
                "finding.correct",
                finding,
                summary=f"{finding.reference} text corrected by a re-import",
                changes={"text": [before, item.text]},
            )
            changed.append(finding)
            by_index[item.index] = finding
            continue
        prefix = REFERENCE_PREFIX.get(item.kind, "F")
        numbers[prefix] = numbers.get(prefix, 0) + 1
        parent = by_index.get(parsed.get("parent")) if parsed.get("parent") is not None else None
        finding = Finding.objects.create(
            inspection=inspection,
            reference=f"{prefix} {numbers[prefix]}",
            kind=item.kind,
            text=item.text,
            section=item.section[:300],
            judgment=_judgment_for(item.section, judgments),
            theme=_theme(parsed.get("theme")),
            timescale=(parsed.get("timescale") or "")[:100],
            cause_of_concern=parent,
            source_line=parsed.get("line"),
            order=item.index,
        )
        Event.record(by, "finding.create", finding, summary=f"{finding.reference} imported")
        created.append(finding)
        by_index[item.index] = finding
    return created, changed
