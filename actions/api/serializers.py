"""How actions and their history look in the API, and what the API accepts.

Serializers check types and shapes only. The rules stay where the pages use them: the
model methods (workflow, evidence, extensions) and ActionForm (an action's fields).
"""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inspections.models import Board, Finding
from inspections.querysets import force_ids_for

from ..forms import force_members
from ..models import (
    RAG,
    Action,
    Decision,
    Event,
    Evidence,
    ExtensionRequest,
    Marking,
    Meeting,
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


def person(user) -> str | None:
    """A person's display name: full name, else username."""
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def meetings_visible_to(user):
    return Meeting.objects.filter(board__in=Board.objects.visible_to(user))


# Said of an owner id that is not an active member of the force, whether the id belongs to
# someone in another force or to nobody: the answer must not tell the two apart.
NOT_A_MEMBER = "Choose someone who belongs to the action's force: see /api/v1/people/."
NOT_THIS_BOARD = (
    "Choose a meeting of the board that oversees this action (the {board}); this one is a "
    "meeting of the {other}."
)
NO_BOARD = "This action has no overseeing board, so the decision cannot be filed under a meeting."


def checked_meeting(meeting, action):
    """The meeting, if it belongs to the board overseeing the action; else a field error.

    A decision is recorded in that board's minutes, never another board's.
    """
    if meeting is None or action is None:
        return meeting
    board_id = action.finding.board_id
    if board_id is None:
        raise serializers.ValidationError(NO_BOARD)
    if meeting.board_id != board_id:
        raise serializers.ValidationError(
            NOT_THIS_BOARD.format(board=action.finding.board, other=meeting.board)
        )
    return meeting


def _user(serializer):
    request = serializer.context.get("request")
    return request.user if request else None


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
        user = _user(self)
        if user is None:
            return []
        return [ENDPOINTS[t.name] for t in action.allowed_transitions(user)]


class ActionFieldsSerializer(serializers.Serializer):
    """An action's own fields, as a coordinator raises or edits them."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.none(),
        allow_null=True,
        required=False,
        default=None,
        help_text="A user id: someone who belongs to the action's force (see /people/).",
        error_messages={"does_not_exist": NOT_A_MEMBER, "incorrect_type": NOT_A_MEMBER},
    )
    team = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    priority = serializers.ChoiceField(choices=Priority.choices, default=Priority.MEDIUM)
    start_date = serializers.DateField(required=False, allow_null=True, default=None)
    due_date = serializers.DateField(help_text="Today or later (an unchanged date may be past).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = self.owner_choices()

    def owner_choices(self):
        """Who may own the action: the active members of its force (context "force_id"),
        as on the edit page; without one, of the requester's forces. Anyone else answers
        like an id that does not exist."""
        force_id = self.context.get("force_id")
        if force_id is not None:
            return force_members(force_id)
        user = _user(self)
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
        user = _user(self)
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


class UpdateInputSerializer(serializers.Serializer):
    note = serializers.CharField(
        help_text="What has happened since the last update (the reason, when holding)."
    )
    progress = serializers.IntegerField(
        min_value=0, max_value=100, required=False, allow_null=True, help_text="0 to 100."
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
        help_text="What was done, and how the evidence shows it. Needs current evidence too."
    )


class TakenAtMeeting(serializers.Serializer):
    """A decision may name the meeting of the action's board where it was taken."""

    meeting = serializers.PrimaryKeyRelatedField(
        queryset=Meeting.objects.none(),
        required=False,
        allow_null=True,
        help_text="A meeting of the board overseeing the action, where the decision was "
        "taken, if any.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            self.fields["meeting"].queryset = meetings_visible_to(user).select_related("board")

    def validate_meeting(self, meeting):
        return checked_meeting(meeting, self.context.get("action"))


class DecisionInputSerializer(TakenAtMeeting, TransitionSerializer):
    """Sign off or return: the note is the board's rationale."""


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
    description = serializers.CharField(help_text="What it is and what it shows.")
    effective_date = serializers.DateField(help_text="The date the evidence applies from.")
    marking = serializers.ChoiceField(choices=Marking.choices, default=Marking.OFFICIAL)
    supersedes = serializers.PrimaryKeyRelatedField(
        queryset=Evidence.objects.none(),
        required=False,
        allow_null=True,
        help_text="Current evidence on this action that this is a new version of.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = _user(self)
        if user is not None:
            self.fields["supersedes"].queryset = Evidence.objects.visible_to(user)


class DecisionSerializer(serializers.ModelSerializer):
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = [
            "id",
            "action",
            "board",
            "meeting",
            "outcome",
            "rationale",
            "decided_by",
            "decided_by_name",
            "decided_at",
        ]
        read_only_fields = fields

    def get_decided_by_name(self, decision) -> str | None:
        return person(decision.decided_by)


class ExtensionRequestSerializer(serializers.ModelSerializer):
    requested_by_name = serializers.SerializerMethodField()
    decided_by_name = serializers.SerializerMethodField()
    days_requested = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = ExtensionRequest
        fields = [
            "id",
            "action",
            "requested_by",
            "requested_by_name",
            "requested_at",
            "current_due_date",
            "requested_due_date",
            "days_requested",
            "reason",
            "state",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "rationale",
            "meeting",
        ]
        read_only_fields = fields

    def get_requested_by_name(self, request) -> str | None:
        return person(request.requested_by)

    def get_decided_by_name(self, request) -> str | None:
        return person(request.decided_by)


class ExtensionRequestInputSerializer(serializers.Serializer):
    new_due_date = serializers.DateField(help_text="Later than the current due date.")
    reason = serializers.CharField(help_text="Why the action needs more time.")


class ExtensionDecisionInputSerializer(TakenAtMeeting):
    approve = serializers.BooleanField(help_text="true moves the due date; false keeps it.")
    rationale = serializers.CharField(help_text="The reason for the decision.")


class MeetingSerializer(serializers.ModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "board", "date", "title", "web_url"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    actor_name = serializers.SerializerMethodField()
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
        ]
        read_only_fields = fields

    def get_actor_name(self, event) -> str | None:
        return person(event.actor)


class PersonSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = get_user_model()
        fields = ["id", "username", "name"]
        read_only_fields = fields

    def get_name(self, user) -> str:
        return person(user)
