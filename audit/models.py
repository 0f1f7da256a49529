"""The append-only audit trail: who did what, when, to which record, with before and after.

Every layer records here (forces, inspections, actions, governance, notifications,
exports), so this app sits below them all and imports none of them. A recorded object
tells the trail where it belongs through plain attributes (`force_id`, `inspection`,
`finding`, `action_id`, or `audit_action_id` for an action itself), never by type.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, router
from django.db.models import Q

from forces.models import Force

from . import chain
from .context import current_request_id
from .querysets import EventQuerySet


class ChainHead(models.Model):
    """The end of one force's hash chain (key 0: events with no force).

    Its row is locked while events are appended, so appends to one chain queue up rather
    than fork it; its seq and hash let verify_audit notice events removed from the end."""

    key = models.BigIntegerField(primary_key=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=chain.GENESIS)

    def __str__(self):
        return f"chain {self.key} at seq {self.seq}"


class Event(models.Model):
    """Append-only audit trail: who did what, when, with before/after values.

    The database refuses UPDATE and DELETE on this table (triggers, migration 0004), and
    each row is a link of its force's hash chain (audit/chain.py)."""

    # Set from the database's clock when the event is written: whatever a caller puts
    # here is replaced (chain.link).
    created_at = models.DateTimeField(db_index=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    force = models.ForeignKey(Force, null=True, on_delete=models.PROTECT, related_name="+")
    verb = models.CharField(max_length=50, db_index=True)
    object_type = models.CharField(max_length=50)
    object_id = models.CharField(max_length=50)
    object_repr = models.CharField(max_length=300)
    # The action whose history this event belongs to (its own, or its update's,
    # evidence's, decision's...). A number rather than a foreign key: actions sit above
    # the audit trail, and an event outlives any change to what it describes.
    action_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)
    data = models.JSONField(default=dict, blank=True)
    seq = models.BigIntegerField(editable=False)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["force", "seq"],
                condition=Q(force__isnull=False),
                name="audit_event_force_seq_unique",
            ),
            models.UniqueConstraint(
                fields=["seq"],
                condition=Q(force__isnull=True),
                name="audit_event_no_force_seq_unique",
            ),
        ]

    def __str__(self):
        when = f"{self.created_at:%Y-%m-%d %H:%M}" if self.created_at else "(unsaved)"
        return f"{when} {self.verb} {self.object_repr}"

    def save(self, *args, using=None, **kwargs):
        if not self._state.adding:
            raise PermissionDenied("Audit events cannot be changed.")
        using = using or router.db_for_write(Event, instance=self)

        def write(resync: bool) -> None:
            chain.link([self], using=using, resync=resync)
            super(Event, self).save(*args, using=using, **kwargs)

        chain.append(write, using)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Audit events cannot be deleted.")

    @classmethod
    def record(cls, actor, verb: str, obj, *, summary: str, changes=None, **data) -> "Event":
        """Write one audit row for obj; call inside the transaction that made the change."""
        event = cls.build(actor, verb, obj, summary=summary, changes=changes, **data)
        event.save(force_insert=True)
        return event

    @classmethod
    def build(cls, actor, verb: str, obj, *, summary: str, changes=None, **data) -> "Event":
        """The row record() writes, unsaved: for a bulk import that inserts many at once
        (bulk_create), in the transaction that made the changes.

        The request or job it happened in is kept (`data["request_id"]`), so an event can
        be matched with the log lines of the same request."""
        request_id = current_request_id()
        if request_id and "request_id" not in data:
            data["request_id"] = request_id
        return cls(
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            force_id=_force_id_of(obj),
            verb=verb,
            object_type=obj._meta.model_name,
            object_id=str(obj.pk),
            object_repr=str(getattr(obj, "audit_label", obj))[:300],
            action_id=_action_id_of(obj),
            summary=summary[:300],
            changes=changes or {},
            data=data,
        )

    @property
    def note(self) -> str:
        return self.data.get("note", "")


def _force_id_of(obj) -> int | None:
    if isinstance(obj, Force):
        return obj.pk
    for path in (
        "force_id",
        "inspection.force_id",
        "finding.inspection.force_id",
        "action.force_id",
    ):
        value = obj
        try:
            for part in path.split("."):
                value = getattr(value, part)
        except AttributeError:
            continue
        if isinstance(value, int):
            return value
    return None


def _action_id_of(obj) -> int | None:
    """The action an object's history belongs to: the action itself, or the one it is on."""
    value = getattr(obj, "audit_action_id", None)
    if value is None:
        value = getattr(obj, "action_id", None)
    return value if isinstance(value, int) else None


def iso(value):
    """A date for the before/after of the audit trail."""
    return value.isoformat() if value else None


def diff(before: dict, after: dict) -> dict:
    """{field: [before, after]} for the fields that differ."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}
