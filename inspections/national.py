"""National recommendations: a thematic report addressed to every force, imported once.

A superuser or national account (inspections.rules.can_import_national) imports the report;
each force then holds its own copy, an Inspection of kind "thematic" with a Finding per
recommendation. The copy is the force's: its own board, actions, status and inspectorate
view, seen only by that force. A force added later receives every national report."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import Event
from forces.models import Force

from .importer.plan import SAME_FINDING_RATIO, _norm, _similarity, word_diff
from .models import (
    Finding,
    FindingKind,
    FindingOrigin,
    Inspection,
    InspectionKind,
    InspectionSource,
    NationalRecommendation,
    NationalReport,
    SourceKind,
    Theme,
)
from .rules import can_import_national
from .services import finding_insert, next_reference

# Parsed kinds offered as national recommendations (others are shown, unticked).
NATIONAL_KINDS = frozenset({FindingKind.RECOMMENDATION, FindingKind.NATIONAL_RECOMMENDATION})


def _check(by) -> None:
    if not can_import_national(by):
        raise PermissionDenied("Only a national account may change national recommendations.")


@transaction.atomic
def national_report_create(
    *, by, title: str, programme: str, published=None, addressed_to: str = ""
) -> NationalReport:
    """Start a national report (its recommendations follow)."""
    _check(by)
    programme = (programme or "").strip()
    errors = {}
    if not (title or "").strip():
        errors["title"] = "Enter the report's title."
    if not programme:
        errors["programme"] = "Enter a short name forces will see it by."
    elif NationalReport.objects.filter(programme__iexact=programme).exists():
        errors["programme"] = f"A national report called “{programme}” is already held."
    if errors:
        raise ValidationError(errors)
    report = NationalReport.objects.create(
        title=title.strip()[:300],
        programme=programme[:100],
        published=published,
        addressed_to=(addressed_to or "").strip()[:200] or "All chief constables",
        created_by=by,
    )
    Event.record(by, "national.create", report, summary=f"National report added: {report}")
    return report


def _next_national_reference(report: NationalReport) -> str:
    highest = 0
    for ref in report.recommendations.values_list("reference", flat=True):
        match = re.fullmatch(r"Rec\s*(\d+)", ref, flags=re.IGNORECASE)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"Rec {highest + 1}"


@transaction.atomic
def national_recommendation_add(
    *,
    report: NationalReport,
    by,
    text: str,
    lead_in: str = "",
    section: str = "",
    timescale: str = "",
    theme: str = "",
    reference: str = "",
    distribute_now: bool = True,
) -> NationalRecommendation:
    """Add a recommendation to a national report and give every force its copy."""
    _check(by)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter the recommendation's text."})
    reference = (reference or "").strip()[:20] or _next_national_reference(report)
    if report.recommendations.filter(reference__iexact=reference).exists():
        raise ValidationError({"reference": f"{report} already has {reference}."})
    top = report.recommendations.count()
    recommendation = NationalRecommendation.objects.create(
        report=report,
        reference=reference,
        text=text,
        lead_in=(lead_in or "").strip(),
        section=(section or "")[:300],
        timescale=(timescale or "")[:100],
        theme=theme if theme in Theme.values else "",
        order=top,
    )
    Event.record(
        by,
        "national.recommendation",
        recommendation,
        summary=f"National recommendation added: {reference}",
        text=text,
    )
    if distribute_now:
        distribute(report, by=by)
    return recommendation


def _force_copy(report: NationalReport, force: Force, by) -> Inspection:
    """The force's own inspection for a national report, made on first need."""
    copy = Inspection.objects.filter(force=force, national_report=report).first()
    if copy is not None:
        return copy
    name, attempt = report.programme, 1
    while Inspection.objects.filter(force=force, programme=name).exists():
        attempt += 1
        suffix = " (national)" if attempt == 2 else f" (national {attempt - 1})"
        name = report.programme[: 100 - len(suffix)] + suffix
    copy = Inspection.objects.create(
        force=force,
        kind=InspectionKind.THEMATIC,
        programme=name,
        title=report.title,
        published=report.published,
        national_report=report,
        imported_by=by if getattr(by, "is_authenticated", False) else None,
    )
    Event.record(
        by,
        "inspection.create",
        copy,
        summary=f"National report received: {report.title}"[:300],
        national_report=report.pk,
    )
    return copy


@transaction.atomic
def distribute(report: NationalReport, *, by, forces=None) -> int:
    """Give each force (every force by default) its copy of every recommendation it lacks.

    Idempotent: run again, it adds only what is missing. Returns the findings created."""
    forces = list(Force.objects.all() if forces is None else forces)
    recommendations = list(report.recommendations.all())
    sources = list(report.sources.all())
    created = 0
    for force in forces:
        copy = _force_copy(report, force, by)
        held = set(
            copy.findings.exclude(national_recommendation=None).values_list(
                "national_recommendation_id", flat=True
            )
        )
        held_sources = set(copy.sources.values_list("sha256", flat=True))
        for source in sources:
            if source.sha256 in held_sources:
                continue
            kept = InspectionSource.objects.create(
                inspection=copy,
                kind=SourceKind.NATIONAL,
                file=source.file.name,
                name=source.name,
                format=source.format,
                sha256=source.sha256,
                size=source.size,
                description=source.description,
                added_by=source.added_by,
                added_at=timezone.now(),
            )
            Event.record(by, "source.add", kept, summary=f"National report's document: {kept.name}")
        taken = {ref.lower() for ref in copy.findings.values_list("reference", flat=True)}
        for recommendation in recommendations:
            if recommendation.pk in held:
                continue
            reference = recommendation.reference
            if reference.lower() in taken:
                reference = next_reference(copy, FindingKind.NATIONAL_RECOMMENDATION)
            taken.add(reference.lower())
            finding_insert(
                inspection=copy,
                by=by,
                kind=FindingKind.NATIONAL_RECOMMENDATION,
                text=recommendation.text,
                reference=reference,
                origin=FindingOrigin.NATIONAL,
                order=recommendation.order,
                summary=f"{reference} received from the national report {report}",
                lead_in=recommendation.lead_in,
                section=recommendation.section,
                timescale=recommendation.timescale,
                theme=recommendation.theme,
                national_recommendation=recommendation,
            )
            created += 1
    return created


def distribute_to_new_force(sender, instance, created, raw=False, **kwargs):
    """A force added later receives every national report (connected in apps.py)."""
    if not created or raw:
        return
    for report in NationalReport.objects.all():
        distribute(report, by=None, forces=[instance])


def plan_national(parsed: dict, report: NationalReport | None) -> list[dict]:
    """Each parsed finding against the report's held recommendations: new, held or changed."""
    held = list(report.recommendations.all()) if report else []
    unmatched = {r.pk: r for r in held}
    rows = []
    for index, item in enumerate(parsed.get("findings", [])):
        text = (item.get("text") or "").strip()
        match = next((r for r in unmatched.values() if _norm(r.text) == _norm(text)), None)
        if match is None:
            scored = sorted(
                ((_similarity(r.text, text), r) for r in unmatched.values()),
                key=lambda pair: -pair[0],
            )
            if scored and scored[0][0] >= SAME_FINDING_RATIO:
                match = scored[0][1]
        if match is not None:
            unmatched.pop(match.pk)
        changed = match is not None and _norm(match.text) != _norm(text)
        rows.append(
            {
                "index": index,
                "item": item,
                "text": text,
                "held": match,
                "status": "new" if match is None else ("changed" if changed else "held"),
                "diff": word_diff(match.text, text) if changed else [],
                "offered": item.get("kind") in NATIONAL_KINDS,
            }
        )
    return rows


@transaction.atomic
def national_correct(recommendation: NationalRecommendation, *, by, text: str) -> int:
    """Use a re-imported report's corrected words, in the report and every force's copy."""
    _check(by)
    before = recommendation.text
    recommendation.text = text
    recommendation.save(update_fields=["text"])
    Event.record(
        by,
        "national.correct",
        recommendation,
        summary=f"National recommendation {recommendation.reference} corrected",
        changes={"text": [before, text]},
    )
    copies = Finding.objects.filter(national_recommendation=recommendation).select_related(
        "inspection"
    )
    for finding in copies:
        finding.correct_from_import(by=by, changes={"text": text})
    return len(copies)
