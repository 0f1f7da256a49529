"""Reads over inspections and findings, scoped to what a user may see."""

from django.db import models


def force_ids_for(user) -> list[int] | None:
    """Forces a user belongs to; None means every force (superuser)."""
    if not user.is_authenticated or not user.is_active:
        return []
    if user.is_superuser:
        return None
    cached = getattr(user, "_peel_force_ids", None)
    if cached is None:
        from actions.models import Membership

        cached = list(
            Membership.objects.filter(user=user).values_list("force_id", flat=True).distinct()
        )
        user._peel_force_ids = cached
    return cached


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(force_id__in=forces)


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(inspection__force_id__in=forces)

    def awaiting_allocation(self):
        """Findings with no action yet, or with an action nobody owns."""
        return self.filter(
            models.Q(actions__isnull=True) | models.Q(actions__owner__isnull=True)
        ).distinct()


class BoardQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(force_id__in=forces)
