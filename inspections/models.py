"""Inspections of a force, the graded judgments and the findings a report makes."""

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from audit.models import Event, diff
from forces.models import Board, Force
from forces.roles import can_manage_force
from ui.limits import FINDING_TEXT_MAX, REASON_MAX

from .querysets import FindingQuerySet, InspectionQuerySet

# The police and crime commissioner must publish a response within 56 days
# (Police Act 1996, s.55).
RESPONSE_DAYS = 56


class Grade(models.TextChoices):
    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    ADEQUATE = "adequate", "Adequate"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement"
    INADEQUATE = "inadequate", "Inadequate"
    UNGRADED = "ungraded", "Ungraded"
    NOT_INSPECTED = "not_inspected", "Not inspected"

    @classmethod
    def from_label(cls, label: str) -> "Grade":
        """Map a report's wording ("Requires improvement") to a grade."""
        wanted = label.strip().lower()
        for grade in cls:
            if grade.label.lower() == wanted or grade.value == wanted:
                return grade
        raise ValueError(f"Unknown grade: {label!r}")


class Pillar(models.TextChoices):
    EFFECTIVENESS = "effectiveness", "Effectiveness"
    EFFICIENCY = "efficiency", "Efficiency"
    LEGITIMACY = "legitimacy", "Legitimacy"

    @classmethod
    def from_label(cls, label: str | None) -> str:
        if not label:
            return ""
        wanted = label.strip().lower()
        for pillar in cls:
            if pillar.label.lower() == wanted:
                return pillar.value
        return ""


class InspectionKind(models.TextChoices):
    """What gave the force the work: an inspection, a letter, an audit, a request..."""

    PEEL = "peel", "PEEL inspection"
    THEMATIC = "thematic", "Thematic inspection"
    LETTER = "letter", "HMICFRS letter"
    INTERNAL_AUDIT = "internal_audit", "Internal audit"
    PCC_REQUEST = "pcc_request", "PCC request"
    IOPC_LEARNING = "iopc_learning", "IOPC learning report"
    OTHER = "other", "Other"


# The PCC's 56-day response applies to the inspectorate's reports on a force (s.55),
# not to letters, audits or requests.
RESPONSE_KINDS = frozenset({InspectionKind.PEEL, InspectionKind.THEMATIC})


class Inspection(models.Model):
    """One source of work for a force: a PEEL report (e.g. PEEL 2018/19), a thematic
    inspection, a letter, an internal audit, a PCC request or an IOPC learning report."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="inspections")
    kind = models.CharField(
        max_length=20, choices=InspectionKind.choices, default=InspectionKind.PEEL
    )
    programme = models.CharField(
        "name",
        max_length=100,
        help_text='The inspection programme or a short name, e.g. "PEEL 2018/19".',
    )
    title = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    national_report = models.ForeignKey(
        "NationalReport",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="force_inspections",
        help_text="The national report this force's copy comes from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InspectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "force__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "programme"], name="one_inspection_per_programme"
            )
        ]

    def __str__(self):
        return f"{self.force} – {self.programme}"

    def get_absolute_url(self):
        return reverse("actions:inspection", args=[self.pk])

    @property
    def response_due(self) -> dt.date | None:
        """The date by which the PCC must publish a response (56 days after publication)."""
        if self.published is None or self.kind not in RESPONSE_KINDS:
            return None
        return self.published + dt.timedelta(days=RESPONSE_DAYS)

    def snapshot(self) -> dict:
        """The audited fields, as plain values."""
        return {
            "kind": self.kind,
            "programme": self.programme,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
        }

    @transaction.atomic
    def edit(self, *, by, changes: dict) -> dict:
        """Correct the inspection's name, title, kind or publication date by hand."""
        if not can_manage_force(by, self.force_id):
            raise PermissionDenied("Only a coordinator may edit an inspection.")
        unknown = set(changes) - {"kind", "programme", "title", "published"}
        if unknown:
            raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
        if "programme" in changes:
            clash = Inspection.objects.filter(
                force_id=self.force_id, programme=changes["programme"]
            )
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {"programme": "The force already has an inspection with this name."}
                )
        return self._change(by=by, changes=changes, verb="edit", summary="Inspection edited")

    def correct_from_import(self, *, by, changes: dict) -> dict:
        """Apply differences a coordinator accepted in an import preview (the import checked
        who may); audited like an edit."""
        return self._change(
            by=by, changes=changes, verb="correct", summary="Inspection corrected by an import"
        )

    def _change(self, *, by, changes: dict, verb: str, summary: str) -> dict:
        """Set changes, save what differs and audit it; returns {field: [before, after]}."""
        before = self.snapshot()
        for name, value in changes.items():
            setattr(self, name, value)
        changed = diff(before, self.snapshot())
        if changed:
            self.save(update_fields=list(changes))
            Event.record(by, f"inspection.{verb}", self, summary=summary, changes=changed)
        return changed


class SourceKind(models.TextChoices):
    IMPORTED = "imported", "Imported: read by PEELtrack"
    ATTACHED = "attached", "Attached by hand"
    NATIONAL = "national", "National report, imported once for every force"


def source_path(instance, filename):
    """Stored name: a random UUID, never the uploaded file's name (kept in name)."""
    return f"sources/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class InspectionSource(models.Model):
    """A document an inspection's data came from. Every one is kept, never replaced.

    A national report's own documents belong to the report (inspection is empty); each
    force's copy lists the same stored file as a source of kind "national"."""

    inspection = models.ForeignKey(
        Inspection, null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    national_report = models.ForeignKey(
        "NationalReport", null=True, blank=True, on_delete=models.PROTECT, related_name="sources"
    )
    kind = models.CharField(max_length=20, choices=SourceKind.choices)
    file = models.FileField(upload_to=source_path, max_length=200)
    name = models.CharField(max_length=255, help_text="The file's name when it was uploaded.")
    format = models.CharField(max_length=10, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    description = models.CharField(max_length=300, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "sha256"], name="one_copy_of_a_source_per_inspection"
            ),
            models.UniqueConstraint(
                fields=["national_report", "sha256"], name="one_copy_of_a_national_source"
            ),
            models.CheckConstraint(
                condition=models.Q(inspection__isnull=False)
                | models.Q(national_report__isnull=False),
                name="source_belongs_somewhere",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("inspections:source", args=[self.pk])

    @property
    def force_id(self) -> int | None:
        return self.inspection.force_id if self.inspection_id else None


class Judgment(models.Model):
    """A grade for a pillar (question blank) or for a question within a pillar."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="judgments")
    pillar = models.CharField(max_length=20, choices=Pillar.choices, blank=True)
    question = models.CharField(max_length=300, blank=True)
    grade = models.CharField(max_length=30, choices=Grade.choices)
    last_inspected = models.CharField(
        max_length=20, blank=True, help_text='The year the grade was given, e.g. "2017/18".'
    )
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["inspection", "order", "pk"]

    def __str__(self):
        subject = self.question or self.get_pillar_display() or "Overall"
        return f"{subject}: {self.get_grade_display()}"

    @property
    def is_pillar(self) -> bool:
        return not self.question

    @property
    def carried_over(self) -> bool:
        """True when the grade was given in an earlier inspection year."""
        programme_year = self.inspection.programme.split()[-1] if self.inspection_id else ""
        return bool(self.last_inspected) and self.last_inspected != programme_year


class FindingKind(models.TextChoices):
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"
    CAUSE_OF_CONCERN = "cause_of_concern", "Cause of concern"
    RECOMMENDATION = "recommendation", "Recommendation"
    NATIONAL_RECOMMENDATION = "national_recommendation", "National recommendation"
    OTHER = "other", "Other improvement point"


class Theme(models.TextChoices):
    VETTING = "vetting", "Vetting"
    COUNTER_CORRUPTION = "counter-corruption", "Counter-corruption"
    USE_OF_FORCE = "use of force", "Use of force"
    STOP_AND_SEARCH = "stop and search", "Stop and search"
    ARMED_POLICING = "armed policing", "Armed policing"
    VULNERABILITY = "vulnerability", "Vulnerability"
    DOMESTIC_ABUSE = "domestic abuse", "Domestic abuse"
    WORKFORCE = "workforce", "Workforce"
    CRIME_RECORDING = "crime recording", "Crime recording"
    INVESTIGATION = "investigation", "Investigation"
    NEIGHBOURHOOD = "neighbourhood policing", "Neighbourhood policing"
    CALL_HANDLING = "call handling", "Call handling"
    CUSTODY = "custody", "Custody"
    OTHER = "other", "Other"


class ForceProgress(models.TextChoices):
    """The force's own view of a finding, derived from its actions."""

    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETE = "complete", "Complete"


class InspectorateStatus(models.TextChoices):
    """The inspectorate's view of a finding, recorded by a coordinator."""

    OPEN = "open", "Open"
    AWAITING_REVIEW = "awaiting_review", "Awaiting review"
    CLOSED = "closed", "Closed"
    SUPERSEDED = "superseded", "Superseded"
    NO_FURTHER_ACTION = "no_further_action", "No further action"


class FindingOrigin(models.TextChoices):
    IMPORTED = "imported", "Imported from a report"
    BY_HAND = "by_hand", "Added by hand"
    ACTION_PLAN = "action_plan", "Imported from an action plan"
    NATIONAL = "national", "National recommendation"


class Finding(models.Model):
    """Something the report asks the force to do: an AFI, cause of concern or recommendation."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    reference = models.CharField(max_length=20, help_text='Short reference, e.g. "AFI 3".')
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    text = models.TextField(max_length=FINDING_TEXT_MAX, help_text="The source's own words.")
    lead_in = models.TextField(
        "lead-in",
        blank=True,
        max_length=FINDING_TEXT_MAX,
        help_text='The words the source puts before this finding, such as "The force should '
        'make sure that:" before a list.',
    )
    section = models.CharField(max_length=300, blank=True)
    judgment = models.ForeignKey(
        Judgment,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
        help_text="The graded question this finding sits under, when known.",
    )
    theme = models.CharField(max_length=30, choices=Theme.choices, blank=True)
    timescale = models.CharField(max_length=100, blank=True)
    cause_of_concern = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="recommendations",
        limit_choices_to={"kind": FindingKind.CAUSE_OF_CONCERN},
    )
    supersedes = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
        help_text="A finding from an earlier inspection that this one replaces.",
    )
    board = models.ForeignKey(
        Board,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
        help_text="The board that oversees this finding and signs off its actions.",
    )
    force_progress = models.CharField(
        max_length=20, choices=ForceProgress.choices, default=ForceProgress.OPEN
    )
    inspectorate_status = models.CharField(
        max_length=20, choices=InspectorateStatus.choices, default=InspectorateStatus.OPEN
    )
    origin = models.CharField(
        max_length=20, choices=FindingOrigin.choices, default=FindingOrigin.IMPORTED
    )
    source = models.ForeignKey(
        InspectionSource,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="findings",
        help_text="The document the finding was read from.",
    )
    national_recommendation = models.ForeignKey(
        "NationalRecommendation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="force_findings",
    )
    source_line = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    withdrawn_reason = models.TextField(blank=True, editable=False, max_length=REASON_MAX)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "reference"], name="unique_finding_reference"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.text[:80]}"

    def get_absolute_url(self):
        return reverse("actions:finding", args=[self.pk])

    @property
    def force(self) -> Force:
        return self.inspection.force

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_at is not None

    def snapshot(self) -> dict:
        """The audited fields, as plain values."""
        return {
            "reference": self.reference,
            "kind": self.kind,
            "text": self.text,
            "lead_in": self.lead_in,
            "section": self.section,
            "theme": self.theme,
            "timescale": self.timescale,
            "judgment": str(self.judgment) if self.judgment_id else None,
            "cause_of_concern": self.cause_of_concern.reference
            if self.cause_of_concern_id
            else None,
            "withdrawn": self.is_withdrawn,
            "withdrawn_reason": self.withdrawn_reason,
        }

    def _save_versioned(self, fields: list[str], expected_version: int) -> None:
        """Write fields only if nobody saved since expected_version (optimistic lock)."""
        values = {name: getattr(self, name) for name in fields}
        values["version"] = expected_version + 1
        if not Finding.objects.filter(pk=self.pk, version=expected_version).update(**values):
            raise StaleFinding(Finding.objects.get(pk=self.pk))
        self.version = expected_version + 1

    def _check_manager(self, by, doing: str) -> None:
        if not can_manage_force(by, self.inspection.force_id):
            raise PermissionDenied(f"Only a coordinator may {doing}.")

    @transaction.atomic
    def edit(self, *, by, changes: dict, expected_version: int | None = None) -> dict:
        """Correct a finding by hand; returns what changed ({field: [before, after]})."""
        self._check_manager(by, "edit a finding")
        unknown = set(changes) - FINDING_EDITABLE
        if unknown:
            raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
        if self.national_recommendation_id and {"text", "lead_in"} & {
            k for k, v in changes.items() if v != getattr(self, k)
        }:
            raise ValidationError(
                {"text": "A national recommendation keeps the national report's words."}
            )
        check_finding_fields(self.inspection, changes, finding=self)
        return self._change(
            by=by,
            changes=changes,
            verb="edit",
            summary=f"{self.reference} edited",
            expected_version=expected_version,
        )

    def correct_from_import(self, *, by, changes: dict) -> dict:
        """Apply differences a coordinator accepted in an import preview (the import checked
        who may); audited like an edit."""
        return self._change(
            by=by,
            changes=changes,
            verb="correct",
            summary=f"{self.reference} corrected by an import",
        )

    def _change(
        self, *, by, changes: dict, verb: str, summary: str, expected_version: int | None = None
    ) -> dict:
        """Set changes, save what differs if nobody saved since expected_version (the one read
        by default) and audit it; returns {field: [before, after]}."""
        before = self.snapshot()
        for name, value in changes.items():
            setattr(self, name, value)
        changed = diff(before, self.snapshot())
        if changed:
            self._save_versioned(
                list(changes), self.version if expected_version is None else expected_version
            )
            Event.record(by, f"finding.{verb}", self, summary=summary, changes=changed)
        return changed

    @transaction.atomic
    def withdraw(self, *, by, reason: str, expected_version: int | None = None) -> None:
        """Take a finding off the list of work. Nothing is deleted: its actions stay."""
        self._check_manager(by, "withdraw a finding")
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": "Enter why the finding is withdrawn."})
        if self.is_withdrawn:
            raise ValidationError({"reason": "The finding is already withdrawn."})
        self.withdrawn_at = timezone.now()
        self.withdrawn_by = by
        self.withdrawn_reason = reason
        self._save_versioned(
            ["withdrawn_at", "withdrawn_by", "withdrawn_reason"],
            self.version if expected_version is None else expected_version,
        )
        Event.record(
            by,
            "finding.withdraw",
            self,
            summary=f"{self.reference} withdrawn",
            changes={"withdrawn": [False, True]},
            note=reason,
        )

    @transaction.atomic
    def reinstate(self, *, by, expected_version: int | None = None) -> None:
        """Put a withdrawn finding back on the list of work."""
        self._check_manager(by, "reinstate a finding")
        if not self.is_withdrawn:
            raise ValidationError({"reason": "The finding is not withdrawn."})
        reason = self.withdrawn_reason
        self.withdrawn_at = None
        self.withdrawn_by = None
        self.withdrawn_reason = ""
        self._save_versioned(
            ["withdrawn_at", "withdrawn_by", "withdrawn_reason"],
            self.version if expected_version is None else expected_version,
        )
        Event.record(
            by,
            "finding.reinstate",
            self,
            summary=f"{self.reference} reinstated",
            changes={"withdrawn": [True, False], "withdrawn_reason": [reason, ""]},
        )

    @transaction.atomic
    def set_board(self, *, by, board: "Board | None") -> None:
        """Choose the board that oversees this finding and signs off its actions."""
        if not can_manage_force(by, self.inspection.force_id):
            raise PermissionDenied("Only a coordinator may choose the overseeing board.")
        if board is not None and board.force_id != self.inspection.force_id:
            raise ValidationError({"board": "Choose a board of this finding's force."})
        before = self.board.name if self.board else None
        self.board = board
        self.save(update_fields=["board"])
        Event.record(
            by,
            "finding.board",
            self,
            summary="Overseeing board set",
            changes={"board": [before, board.name if board else None]},
        )

    @transaction.atomic
    def set_inspectorate_status(self, *, by, status: str, note: str = "") -> None:
        """Record that the finding went to the inspectorate, or the inspectorate's verdict."""
        if not can_manage_force(by, self.inspection.force_id):
            raise PermissionDenied("Only a coordinator may record the inspectorate's view.")
        if status not in InspectorateStatus.values:
            raise ValidationError({"status": "Choose the inspectorate's view."})
        if status == InspectorateStatus.AWAITING_REVIEW and self.force_progress != "complete":
            raise ValidationError(
                {"status": "Close every action before sending the finding to the inspectorate."}
            )
        before = self.inspectorate_status
        self.inspectorate_status = status
        self.save(update_fields=["inspectorate_status"])
        Event.record(
            by,
            "finding.inspectorate",
            self,
            summary=f"Inspectorate's view: {self.get_inspectorate_status_display()}",
            changes={"inspectorate_status": [before, status]},
            note=note,
        )


class StaleFinding(Exception):
    """Someone else saved the finding since this edit began."""

    def __init__(self, current: Finding):
        self.current = current
        super().__init__(f"{current.reference} was changed by someone else since you opened it.")


# What a coordinator may correct on a finding by hand.
FINDING_EDITABLE = frozenset(
    {
        "reference",
        "kind",
        "text",
        "lead_in",
        "section",
        "theme",
        "timescale",
        "judgment",
        "cause_of_concern",
    }
)


def check_finding_fields(inspection: Inspection, fields: dict, *, finding=None) -> None:
    """The rules a finding's fields follow, whoever writes them (by hand or an import)."""
    errors = {}
    if "text" in fields and not (fields["text"] or "").strip():
        errors["text"] = "Enter the finding's text."
    if "kind" in fields and fields["kind"] not in FindingKind.values:
        errors["kind"] = "Choose what kind of finding it is."
    if "theme" in fields and fields["theme"] and fields["theme"] not in Theme.values:
        errors["theme"] = "Choose a theme from the list."
    reference = (fields.get("reference") or "").strip()
    if "reference" in fields:
        if not reference:
            errors["reference"] = "Enter a reference, for example AFI 7."
        else:
            clash = Finding.objects.filter(inspection=inspection, reference__iexact=reference)
            if finding is not None:
                clash = clash.exclude(pk=finding.pk)
            if clash.exists():
                errors["reference"] = f"{inspection} already has a finding {reference}."
    judgment = fields.get("judgment")
    if judgment is not None and judgment.inspection_id != inspection.pk:
        errors["judgment"] = "Choose a judgment of this inspection."
    parent = fields.get("cause_of_concern")
    if parent is not None and (
        parent.inspection_id != inspection.pk
        or parent.kind != FindingKind.CAUSE_OF_CONCERN
        or (finding is not None and parent.pk == finding.pk)
    ):
        errors["cause_of_concern"] = "Choose a cause of concern of this inspection."
    if errors:
        raise ValidationError(errors)


class NationalReport(models.Model):
    """A thematic report whose recommendations are addressed to every force.

    Imported once, by a superuser or a national account; each force gets its own copy
    (an Inspection with a Finding per recommendation) with its own status and actions."""

    title = models.CharField(max_length=300)
    programme = models.CharField(
        "short name",
        max_length=100,
        unique=True,
        help_text='How forces see it in their list, e.g. "Vetting and misconduct 2022".',
    )
    published = models.DateField(null=True, blank=True)
    addressed_to = models.CharField(max_length=200, default="All chief constables")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-published", "programme"]
        permissions = [
            ("import_national", "Can import national recommendations for every force"),
        ]

    def __str__(self):
        return self.programme

    def get_absolute_url(self):
        return reverse("inspections:national", args=[self.pk])


class NationalRecommendation(models.Model):
    """One recommendation of a national report; each force holds a Finding copying it."""

    report = models.ForeignKey(
        NationalReport, on_delete=models.PROTECT, related_name="recommendations"
    )
    reference = models.CharField(max_length=20)
    text = models.TextField(max_length=FINDING_TEXT_MAX)
    lead_in = models.TextField("lead-in", blank=True, max_length=FINDING_TEXT_MAX)
    section = models.CharField(max_length=300, blank=True)
    timescale = models.CharField(max_length=100, blank=True)
    theme = models.CharField(max_length=30, choices=Theme.choices, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["report", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "reference"], name="unique_national_reference"
            )
        ]

    def __str__(self):
        return f"{self.reference}: {self.text[:80]}"
