"""Reads over inspections and findings, scoped to what a user may see."""

from django.db import models

from forces.roles import force_ids_for


class InspectionQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(force_id__in=forces)


class FindingQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(inspection__force_id__in=forces)

    def current(self):
        """Findings still on the list of work: not withdrawn."""
        return self.filter(withdrawn_at__isnull=True)

    def awaiting_allocation(self):
        """Current findings with no action yet, or with an action nobody owns."""
        return (
            self.current()
            .filter(models.Q(actions__isnull=True) | models.Q(actions__owner__isnull=True))
            .distinct()
        )
