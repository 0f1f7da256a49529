"""Reads over the audit trail. Nothing here, or anywhere, changes or deletes an event."""

from django.core.exceptions import PermissionDenied
from django.db import models

from forces.roles import force_ids_for

from . import chain


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        forces = force_ids_for(user)
        return self if forces is None else self.filter(force_id__in=forces)

    def about_action(self, action_id: int):
        """An action's history: its own events and those of its updates and evidence."""
        return self.filter(action_id=action_id)

    def in_chain(self, key: int):
        """The events of one hash chain: a force's, or (key 0) those with no force."""
        if key == chain.NO_FORCE:
            return self.filter(force__isnull=True)
        return self.filter(force_id=key)

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, **kwargs):
        """Insert many events as links of their chains: one lock per chain, one clock
        reading, hashes computed in order (chain.link)."""
        if ignore_conflicts or kwargs.get("update_conflicts"):
            raise PermissionDenied("Audit events are only ever added, never merged.")
        objs = list(objs)
        if not objs:
            return objs

        def write(resync: bool) -> None:
            chain.link(objs, using=self.db, resync=resync)
            super(EventQuerySet, self).bulk_create(objs, batch_size=batch_size, **kwargs)

        chain.append(write, self.db)
        return objs

    def update(self, **kwargs):
        raise PermissionDenied("Audit events cannot be changed.")

    def delete(self):
        raise PermissionDenied("Audit events cannot be deleted.")
