"""The audit trail in the API: read-only, cursor-paginated, with the trail page's filters."""

from django.db.models import Q
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from api.base import ReadOnlyViewSet
from api.pagination import CursorPagination
from api.serializers import person
from audit.models import Event
from forces.roles import forces_where

from .filters import EventFilter
from .rules import AUDIT_READERS


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
    action = serializers.IntegerField(
        source="action_id",
        read_only=True,
        allow_null=True,
        help_text="The action whose history this event belongs to, if any.",
    )
    changes = serializers.JSONField(
        read_only=True, help_text="Each changed field's [before, after]."
    )
    data = serializers.JSONField(read_only=True, help_text="Details: the note, file hash, ...")

    class Meta:
        model = Event
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "force",
            "verb",
            "object_type",
            "object_id",
            "object_repr",
            "action",
            "summary",
            "changes",
            "data",
            "seq",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "seq": {"help_text": "Its number in its force's hash chain (verify_audit)."},
            "prev_hash": {"help_text": "The hash of the event before it in the chain."},
            "hash": {"help_text": "SHA-256 over its content and prev_hash."},
        }

    def get_actor_name(self, event) -> str | None:
        return person(event.actor)


# For the schema only: the audit trail's `inspection` filter takes an inspection's id.
set_override(EventFilter.base_filters["inspection"], "field", OpenApiTypes.INT)


@extend_schema(tags=["audit"])
class EventViewSet(ReadOnlyViewSet):
    """The append-only audit trail, newest first. Read-only; cursor-paginated.

    Coordinators and auditors read their force's whole trail; everyone else reads the
    history of the actions they can see (as on each action's page)."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    pagination_class = CursorPagination

    def get_queryset(self):
        user = self.request.user
        events = Event.objects.visible_to(user).select_related("actor")
        readers = forces_where(user, AUDIT_READERS)
        if readers is None:
            return events
        return events.filter(Q(force_id__in=readers) | Q(action_id__isnull=False))
