"""Bringing work in by hand: inspections and other sources, their documents and findings.

Imports (inspections.importer.plan, the action-plan importer, national reports) write
through the same functions, so a finding is numbered, checked and audited the same way
however it arrives.
"""

import hashlib
import re
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.defaultfilters import filesizeformat

from audit.models import Event, diff
from forces.roles import can_manage_force
from ui.files import HEAD_BYTES, content_family
from ui.upload_safety import check_upload

from .models import (
    Finding,
    FindingKind,
    FindingOrigin,
    Inspection,
    InspectionKind,
    InspectionSource,
    check_finding_fields,
)
from .signals import finding_added

REFERENCE_PREFIX = {
    FindingKind.AREA_FOR_IMPROVEMENT: "AFI",
    FindingKind.CAUSE_OF_CONCERN: "CoC",
    FindingKind.RECOMMENDATION: "Rec",
    FindingKind.NATIONAL_RECOMMENDATION: "NRec",
    FindingKind.OTHER: "Other",
}

# Documents a coordinator may attach as a source: extension -> family of its content.
SOURCE_TYPES = {
    ".pdf": "pdf",
    ".html": "text",
    ".htm": "text",
    ".txt": "text",
    ".md": "text",
    ".docx": "ooxml",
    ".odt": "odf",
    ".doc": "ole",
    ".msg": "ole",
    ".eml": "email",
}
SOURCE_TYPES_HINT = "PDF, web page (.html), text, Word, OpenDocument or email"


def check_source_upload(upload) -> dict:
    """Check a document attached by hand: size, and a type judged from its content."""
    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if upload.size == 0:
        raise ValidationError("The selected file is empty.")
    if upload.size > settings.REPORT_MAX_BYTES:
        raise ValidationError(
            f"The selected file must be smaller than {filesizeformat(settings.REPORT_MAX_BYTES)}."
        )
    if extension not in SOURCE_TYPES:
        raise ValidationError(
            f"Files ending “{extension or '(none)'}” are not accepted. "
            f"The selected file must be a {SOURCE_TYPES_HINT} file."
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    actual = content_family(head, upload)
    expected = SOURCE_TYPES[extension]
    if actual != expected and not (expected in {"text", "email"} and actual in {"text", "email"}):
        raise ValidationError(
            f"The file is named “{name}” but its content is not a {extension[1:].upper()} "
            f"file. Upload the original file."
        )
    check_upload(upload)  # archive bombs, active PDFs, viruses
    return {"name": name[:255], "format": extension[1:]}


@transaction.atomic
def source_add(
    *,
    by,
    data: bytes,
    name: str,
    kind: str,
    inspection: Inspection | None = None,
    national_report=None,
    format: str = "",
    description: str = "",
) -> tuple[InspectionSource, bool]:
    """Keep a source document (never replacing another); returns it and whether it is new.

    The same file twice (by its SHA-256) is kept once per inspection."""
    digest = hashlib.sha256(data).hexdigest()
    held = InspectionSource.objects.filter(
        inspection=inspection, national_report=national_report, sha256=digest
    ).first()
    if held is not None:
        return held, False
    source = InspectionSource(
        inspection=inspection,
        national_report=national_report,
        kind=kind,
        name=(name or "document")[:255],
        format=(format or "")[:10],
        sha256=digest,
        size=len(data),
        description=description[:300],
        added_by=by if getattr(by, "is_authenticated", False) else None,
    )
    source.file.save(digest[:12], ContentFile(data), save=False)
    source.save()
    Event.record(
        by,
        "source.add",
        source,
        summary=f"Source document kept: {source.name}",
        sha256=digest,
        size=len(data),
        kind=kind,
        inspection=inspection.pk if inspection else None,
        national_report=national_report.pk if national_report else None,
    )
    return source, True


def attach_source(*, inspection: Inspection, by, upload, description: str = "") -> InspectionSource:
    """A coordinator attaches a document (a letter, an audit report...) to an inspection."""
    if not can_manage_force(by, inspection.force_id):
        raise PermissionDenied("Only a coordinator may add a source document.")
    checked = check_source_upload(upload)
    upload.seek(0)
    data = upload.read()
    source, created = source_add(
        by=by,
        data=data,
        name=checked["name"],
        kind="attached",
        inspection=inspection,
        format=checked["format"],
        description=description,
    )
    if not created:
        raise ValidationError(
            {
                "file": f"This file is already kept as “{source.name}” "
                f"(added {source.added_at:%d %B %Y})."
            }
        )
    return source


@transaction.atomic
def inspection_create(
    *,
    force,
    by,
    kind: str,
    programme: str,
    title: str = "",
    published=None,
) -> Inspection:
    """A coordinator adds an inspection or another source of work by hand."""
    if not can_manage_force(by, force.pk):
        raise PermissionDenied("Only a coordinator may add an inspection.")
    programme = (programme or "").strip()
    errors = {}
    if not programme:
        errors["programme"] = "Enter a name, for example PEEL 2023–25 or Vetting audit 2025."
    elif Inspection.objects.filter(force=force, programme__iexact=programme).exists():
        errors["programme"] = f"{force} already has “{programme}”: choose another name."
    if kind not in InspectionKind.values:
        errors["kind"] = "Choose what kind of source it is."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            inspection = Inspection.objects.create(
                force=force,
                kind=kind,
                programme=programme[:100],
                title=(title or "").strip()[:300],
                published=published,
                imported_by=by,
            )
    except IntegrityError as error:  # the same name, saved a moment ago by someone else
        raise ValidationError(
            {"programme": f"{force} already has “{programme}”: choose another name."}
        ) from error
    Event.record(
        by,
        "inspection.create",
        inspection,
        summary=f"{inspection.get_kind_display()} added by hand",
        changes=diff({}, inspection.snapshot()),
    )
    return inspection


def next_reference(inspection: Inspection, kind: str) -> str:
    """The next free reference for a kind of finding: AFI 7 after AFI 6."""
    prefix = REFERENCE_PREFIX.get(kind, "F")
    highest = 0
    for ref in inspection.findings.filter(reference__istartswith=prefix).values_list(
        "reference", flat=True
    ):
        match = re.fullmatch(rf"{re.escape(prefix)}\s*(\d+)", ref, flags=re.IGNORECASE)
        if match:
            highest = max(highest, int(match.group(1)))
    return f"{prefix} {highest + 1}"


def finding_insert(
    *,
    inspection: Inspection,
    by,
    kind: str,
    text: str,
    reference: str = "",
    origin: str = FindingOrigin.BY_HAND,
    order: int | None = None,
    summary: str = "",
    **fields,
) -> Finding:
    """Write a finding and its audit event; callers have checked who may (see below)."""
    reference = (reference or "").strip() or next_reference(inspection, kind)
    values = {"kind": kind, "text": (text or "").strip(), "reference": reference, **fields}
    check_finding_fields(inspection, values)
    if order is None:
        highest = inspection.findings.aggregate(top=Max("order"))["top"]
        order = 0 if highest is None else highest + 1
    finding = Finding.objects.create(inspection=inspection, origin=origin, order=order, **values)
    Event.record(
        by,
        "finding.create",
        finding,
        summary=summary or f"{finding.reference} {FindingOrigin(origin).label.lower()}",
        changes=diff({}, finding.snapshot()),
    )
    finding_added.send(sender=Finding, finding=finding, by=by)
    return finding


@transaction.atomic
def finding_create(*, inspection: Inspection, by, **fields) -> Finding:
    """A coordinator adds a finding by hand (or an action plan brings one in)."""
    if not can_manage_force(by, inspection.force_id):
        raise PermissionDenied("Only a coordinator may add a finding.")
    return finding_insert(inspection=inspection, by=by, **fields)
