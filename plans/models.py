"""Existing action plans brought in from a spreadsheet: the file, the columns, each row."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from forces.models import Force
from inspections.models import Inspection


def plan_path(instance, filename):
    """Stored name: a random UUID, never the uploaded file's name (kept in name)."""
    return f"plans/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class PlanMapping(models.Model):
    """Which spreadsheet column holds which field, remembered per force for the next upload."""

    force = models.OneToOneField(Force, on_delete=models.CASCADE, related_name="plan_mapping")
    columns = models.JSONField(default=dict, help_text="{field: column heading}")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return f"Action plan columns of {self.force}"


class PlanUpload(models.Model):
    """One imported action plan. The file is kept, with its SHA-256, and never replaced."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="plan_uploads")
    inspection = models.ForeignKey(
        Inspection,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The inspection rows belong to when they do not say.",
    )
    file = models.FileField(upload_to=plan_path, max_length=200)
    name = models.CharField(max_length=255)
    format = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    mapping = models.JSONField(default=dict)
    counts = models.JSONField(default=dict)
    problems = models.JSONField(
        default=list, help_text="Rows left out or imported with a warning, and why."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.uploaded_at:%d %b %Y})"

    def get_absolute_url(self):
        return reverse("plans:detail", args=[self.pk])


class PlanRow(models.Model):
    """A row of a force's action plan and the action it became.

    `reference` is the row's stable reference (its own column, or one made from its finding
    and title): the next upload of the same row updates the action, never adds another.
    `values` are what the last upload set, so a later upload changes only what the
    spreadsheet changed, and never overwrites what was changed in PEELtrack since."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=200)
    action = models.OneToOneField(Action, on_delete=models.PROTECT, related_name="plan_row")
    first_upload = models.ForeignKey(PlanUpload, on_delete=models.PROTECT, related_name="+")
    upload = models.ForeignKey(PlanUpload, on_delete=models.PROTECT, related_name="rows")
    row_number = models.PositiveIntegerField()
    values = models.JSONField(default=dict)

    class Meta:
        ordering = ["force", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["force", "reference"], name="one_row_per_reference")
        ]

    def __str__(self):
        return self.reference

    @property
    def audit_action_id(self) -> int:
        return self.action_id
