"""The API's governance endpoints: board decisions, extension requests and meetings.

The board's moves on an action (sign-off, return) and asking for more time are added to
the actions endpoint here, by extending actions.api's ActionViewSet, so that the actions
layer needs nothing from this one.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from actions.api import views as actions_api
from actions.api.serializers import TransitionSerializer
from api.base import ReadOnlyViewSet
from api.exceptions import Conflict
from api.serializers import person, request_user
from forces.models import Board
from ui.limits import RATIONALE_MAX, REASON_MAX, date_validators

from .filters import DecisionFilter, ExtensionRequestFilter, MeetingFilter
from .models import Decision, ExtensionRequest, Meeting
from .services import ExtensionConflict, extension_decide, extension_request


def meetings_visible_to(user):
    return Meeting.objects.filter(board__in=Board.objects.visible_to(user))


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
        user = request_user(self)
        if user is not None:
            self.fields["meeting"].queryset = meetings_visible_to(user).select_related("board")

    def validate_meeting(self, meeting):
        return checked_meeting(meeting, self.context.get("action"))


class DecisionInputSerializer(TakenAtMeeting, TransitionSerializer):
    """Sign off or return: the note is the board's rationale."""


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
    new_due_date = serializers.DateField(
        help_text="Later than the current due date.", validators=date_validators()
    )
    reason = serializers.CharField(
        max_length=REASON_MAX, help_text="Why the action needs more time."
    )


class ExtensionDecisionInputSerializer(TakenAtMeeting):
    approve = serializers.BooleanField(help_text="true moves the due date; false keeps it.")
    rationale = serializers.CharField(
        max_length=RATIONALE_MAX, help_text="The reason for the decision."
    )


class MeetingSerializer(serializers.ModelSerializer):
    web_url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "board", "date", "title", "web_url"]
        read_only_fields = fields


@extend_schema(tags=["actions"])
class ActionViewSet(actions_api.ActionViewSet):
    __doc__ = actions_api.ActionViewSet.__doc__

    def move_context(self, values: dict) -> dict:
        return {"meeting": values.get("meeting")}

    transition_return = actions_api.transition_route("return", DecisionInputSerializer)
    transition_close = actions_api.transition_route("close", DecisionInputSerializer)

    @extend_schema(
        request=ExtensionRequestInputSerializer,
        responses={201: ExtensionRequestSerializer},
        summary="Ask for more time",
    )
    @route(
        detail=True, methods=["post"], url_path="extension-requests", url_name="extension-requests"
    )
    def request_extension(self, request, pk=None):
        """Ask the overseeing board for a later due date."""
        action = self.get_object()
        if not action.can(request.user, "request_extension"):
            raise PermissionDenied("You may not ask for an extension on this action.")
        data = ExtensionRequestInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            extension = extension_request(
                action=action,
                by=request.user,
                new_due_date=data.validated_data["new_due_date"],
                reason=data.validated_data["reason"],
            )
        except ExtensionConflict as error:
            raise Conflict(str(error)) from error
        return Response(ExtensionRequestSerializer(extension).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["governance"])
class DecisionViewSet(ReadOnlyViewSet):
    """Board decisions: sign-offs and returns (made through the action's transitions)."""

    serializer_class = DecisionSerializer
    filterset_class = DecisionFilter

    def get_queryset(self):
        return actions_api.in_forces_of(
            self.request.user,
            Decision.objects.select_related("decided_by"),
            "action__finding__inspection__force_id",
        )


@extend_schema(tags=["governance"])
class ExtensionRequestViewSet(ReadOnlyViewSet):
    """Requests to move due dates, and the boards' decisions on them."""

    serializer_class = ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilter

    def get_queryset(self):
        return actions_api.in_forces_of(
            self.request.user,
            ExtensionRequest.objects.select_related(
                "requested_by", "decided_by", "action__finding__inspection", "action__owner"
            ),
            "action__finding__inspection__force_id",
        )

    @extend_schema(
        request=ExtensionDecisionInputSerializer,
        responses={200: ExtensionRequestSerializer},
        summary="Decide an extension request",
    )
    @route(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Approve (the due date moves; the first one is kept) or reject. Board members of
        the action's board decide; never the person who asked."""
        extension = self.get_object()
        if not extension.action.can(request.user, "decide_extension"):
            raise PermissionDenied("You may not decide this extension request.")
        data = ExtensionDecisionInputSerializer(
            data=request.data,
            context={**self.get_serializer_context(), "action": extension.action},
        )
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            extension_decide(
                request=extension,
                by=request.user,
                approve=values["approve"],
                rationale=values["rationale"],
                meeting=values.get("meeting"),
            )
        except ExtensionConflict as error:
            raise Conflict(str(error)) from error
        return Response(ExtensionRequestSerializer(extension).data)


@extend_schema(tags=["governance"])
class MeetingViewSet(ReadOnlyViewSet):
    """Board meetings."""

    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter

    def get_queryset(self):
        return meetings_visible_to(self.request.user).order_by("-date", "-pk")
