"""How actions and their history look in the API, and what the API accepts.

Serializers check types and shapes only. The rules stay where the pages use them: the
model methods (workflow, evidence, extensions) and ActionForm (an action's fields).
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers import person, request_user
from forces.roles import force_ids_for
from inspections.models import Finding
from ui.limits import (
    DESCRIPTION_MAX,
    NOTE_MAX,
    PROGRESS_MAX,
    PROGRESS_MIN,
    SUMMARY_MAX,
    TITLE_MAX,
    date_validators,
)

from ..forms import force_members
from ..models import (
    RAG,
    Action,
    Evidence,
    Marking,
    Priority,
    Update,
)

# A version or id larger than this cannot be real; refusing it keeps it from the database.
MAX_INT = 2**31 - 1

# The API's name for each workflow transition (the URL under /actions/{id}/).
ENDPOINTS = {
    "start": "start",
    "hold": "hold",
    "resume": "resume",
    "submit": "submit",
    "return": "return",
    "close": "sign-off",
    "reopen": "reopen",
}


# Said of an owner id that is not an active member of the force, whether the id belongs to
# someone in another force or to nobody: the answer must not tell the two apart.
NOT_A_MEMBER = "Choose an action owner of the action's force: see /api/v1/people/."


class ActionSerializer(serializers.ModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)
    finding_reference = serializers.CharField(source="finding.reference", read_only=True)
    inspection = serializers.IntegerField(source="finding.inspection_id", read_only=True)
    force = serializers.IntegerField(source="finding.inspection.force_id", read_only=True)
    board = serializers.IntegerField(source="finding.board_id", read_only=True, allow_null=True)
    owner_name = serializers.SerializerMethodField()
    is_overdue = serializers.BooleanField(read_only=True)
    days_to_due = serializers.SerializerMethodField()
    evidence_count = serializers.IntegerField(read_only=True)
    allowed_transitions = serializers.SerializerMethodField()
    rag = serializers.ChoiceField(choices=RAG.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "web_url",
            "finding",
            "finding_reference",
            "inspection",
            "force",
            "board",
            "title",
            "description",
            "owner",
            "owner_name",
            "team",
            "priority",
            "start_date",
            "due_date",
            "original_due_date",
            "status",
            "rag",
            "progress",
            "closing_summary",
            "hold_reason",
            "closed_date",
            "created_at",
            "updated_at",
            "last_update_at",
            "version",
            "is_overdue",
            "days_to_due",
            "evidence_count",
            "allowed_transitions",
        ]
        read_only_fields = fields

    def get_owner_name(self, action) -> str | None:
        return person(action.owner)

    def get_days_to_due(self, action) -> int | None:
        return action.days_to_due()

    @extend_schema_field(
        serializers.ListField(
            child=serializers.ChoiceField(choices=list(ENDPOINTS.values())),
            help_text="The workflow moves you may make now: POST /actions/{id}/<name>/.",
        )
    )
    def get_allowed_transitions(self, action) -> list[str]:
        user = request_user(self)
        if user is None:
            return []
        return [ENDPOINTS[t.name] for t in action.allowed_transitions(user)]


class ActionFieldsSerializer(serializers.Serializer):
    """An action's own fields, as a coordinator raises or edits them."""

    title = serializers.CharField(max_length=TITLE_MAX)
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX, required=False, allow_blank=True, default=""
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        allow_null=True,
        required=False,
        default=None,
        help_text="A user id: an action owner of the action's force (see /people/).",
        error_messages={"does_not_exist": NOT_A_MEMBER, "incorrect_type": NOT_A_MEMBER},
    )
    team = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.MEDIUM)
    start_date = serializers.DateField(
        required=False, allow_null=True, default=None, validators=date_validators()
    )
    due_date = serializers.DateField(
        help_text="Today or later (an unchanged date may be past).", validators=date_validators()
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.owner_choices()

    def owner_choices(self):
        """Who may own the action: the active action owners of its force (context
        "force_id"), and its current owner (context "keep_owner"), as on the edit page;
        without one, of the requester's forces. Anyone else answers like an id that does
        not exist."""
        force_id = self.context.get("force_id")
        if force_id is not None:
            return force_members(force_id, keep=self.context.get("keep_owner"))
        user = request_user(self)
        if user is None:
            return get_user_model().objects.none()
        people = get_user_model().objects.filter(is_active=True)
        forces = force_ids_for(user)
        if forces is not None:
            people = people.filter(memberships__force_id__in=forces)
        return people.distinct()


class ActionCreateSerializer(ActionFieldsSerializer):
    finding = serializers.PrimaryKeyRelatedField(
        queryset=Finding.objects.none(), help_text="The finding the action answers."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["finding"].queryset = Finding.objects.visible_to(user).select_related(
                "inspection"
            )

    def validate(self, attrs):
        """The owner must belong to the finding's force, like an unknown id otherwise."""
        owner, finding = attrs.get("owner"), attrs.get("finding")
        if owner is None or finding is None:
            return attrs
        if not force_members(finding.inspection.force_id).filter(pk=owner.pk).exists():
            raise serializers.ValidationError({"owner": [NOT_A_MEMBER]})
        return attrs


class ActionEditSerializer(ActionFieldsSerializer):
    """A partial edit: send only what changes, with the version it is based on."""

    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        help_text="The action's version you are changing (or send it as If-Match). Required.",
    )
    due_date_reason = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        help_text="Why the due date is changing: required when due_date changes, and kept "
        "in the action's history.",
    )


class UpdateInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=NOTE_MAX,
        help_text="What has happened since the last update (the reason, when holding).",
    )
    progress = serializers.IntegerField(
        min_value=PROGRESS_MIN,
        max_value=PROGRESS_MAX,
        required=False,
        allow_null=True,
        help_text="0 to 100.",
    )
    rag = serializers.ChoiceField(choices=RAG.choices, required=False, allow_blank=True)
    version = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INT,
        required=False,
        help_text="Optional: the version you based this on; a stale one answers 409.",
    )


class TransitionSerializer(UpdateInputSerializer):
    """A workflow move. The note is recorded on the timeline and in the audit trail."""


class SubmitSerializer(TransitionSerializer):
    closing_summary = serializers.CharField(
        max_length=SUMMARY_MAX,
        help_text="What was done, and how the evidence shows it. Needs current evidence too.",
    )


class UpdateSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    rag = serializers.ChoiceField(choices=RAG.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Update
        fields = [
            "id",
            "action",
            "author",
            "author_name",
            "created_at",
            "note",
            "status_before",
            "status_after",
            "progress",
            "rag",
        ]
        read_only_fields = fields

    def get_author_name(self, update) -> str | None:
        return person(update.author)


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="The link; blank for a file.")
    uploaded_by_name = serializers.SerializerMethodField()
    superseded_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "action",
            "kind",
            "name",
            "url",
            "description",
            "effective_date",
            "marking",
            "uploaded_by",
            "uploaded_by_name",
            "uploaded_at",
            "size",
            "content_type",
            "sha256",
            "supersedes",
            "superseded_by",
            "download_url",
        ]
        read_only_fields = fields

    def get_uploaded_by_name(self, evidence) -> str | None:
        return person(evidence.uploaded_by)

    def get_superseded_by(self, evidence) -> int | None:
        try:
            return evidence.superseded_by.pk
        except Evidence.DoesNotExist:
            return None

    def get_download_url(self, evidence) -> str | None:
        """The API address of the file (None for links)."""
        if evidence.kind != Evidence.Kind.FILE:
            return None
        return f"/api/v1/evidence/{evidence.pk}/download/"


class EvidenceUploadSerializer(serializers.Serializer):
    """A file (multipart upload) or a link, not both."""

    file = serializers.FileField(required=False, allow_empty_file=False)
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=DESCRIPTION_MAX, help_text="What it is and what it shows."
    )
    effective_date = serializers.DateField(
        help_text="The date the evidence applies from.", validators=date_validators()
    )
    marking = serializers.ChoiceField(choices=Marking.choices, default=Marking.OFFICIAL)
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.none(),
        required=False,
        allow_null=True,
        help_text="Current evidence on this action that this is a new version of.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = request_user(self)
        if user is not None:
            self.fields["supersedes"].queryset = Evidence.objects.visible_to(user)
