"""Reads over the audit trail. Nothing here, or anywhere, changes or deletes an event."""

from django.core.exceptions import PermissionDenied
from django.db import models

from forces.roles import force_ids_for


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(force_id__in=forces)

    def about_action(self, action_id: int):
        """An action's history: its own events and those of its updates and evidence."""
        return self.filter(action_id=action_id)

    def update(self, **kwargs):
        raise PermissionDenied("Audit events cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit events cannot be deleted.")
