"""Inspections of a force, the graded judgments and the findings a report makes."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.urls import reverse

from audit.models import Event
from forces.models import Board, Force
from forces.roles import can_manage_force

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


class Inspection(models.Model):
    """One published inspection report of a force, e.g. PEEL 2018/19."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="inspections")
    programme = models.CharField(max_length=100, help_text='For example "PEEL 2018/19".')
    title = models.CharField(max_length=300, blank=True)
    published = models.DateField(null=True, blank=True)
    source_file = models.FileField(upload_to="reports/%Y/", blank=True)
    source_name = models.CharField(max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True, editable=False)
    source_format = models.CharField(max_length=10, blank=True)
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
        if self.published is None:
            return None
        return self.published + dt.timedelta(days=RESPONSE_DAYS)


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


class Finding(models.Model):
    """Something the report asks the force to do: an AFI, cause of concern or recommendation."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    reference = models.CharField(max_length=20, help_text='Short reference, e.g. "AFI 3".')
    kind = models.CharField(max_length=30, choices=FindingKind.choices)
    text = models.TextField()
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
    source_line = models.PositiveIntegerField(null=True, blank=True)
    order = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

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
