"""API viewsets over actions and their history. Thin, like the pages: find the object
through visible_to, check the input's shape, call the model method the page calls."""

from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action as route
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from accounts import security
from api.base import ReadOnlyViewSet
from api.exceptions import Conflict, PreconditionFailed, Unavailable
from api.pagination import CursorPagination
from api.serializers import person
from forces.roles import can_manage_force, force_ids_for
from ui.upload_safety import ScanUnavailable

from .. import views as pages
from ..filters import ActionFilter, EvidenceFilter, UpdateFilter
from ..forms import ActionForm
from ..models import (
    TRANSITIONS,
    Action,
    ConcurrentEdit,
    Evidence,
    Update,
    create_action,
    evidence_add,
)
from . import serializers as s
from .serializers import ENDPOINTS, MAX_INT


def in_forces_of(user, queryset, path: str):
    """queryset narrowed to the forces user belongs to, through the given force-id path."""
    forces = force_ids_for(user)
    return queryset if forces is None else queryset.filter(**{f"{path}__in": forces})


def checked_by_action_form(*, force_id: int, action: Action | None, values: dict) -> dict:
    """Check an action's fields with the edit page's own ActionForm (owner in the force,
    due date not in the past, start before due), so the API cannot drift from the page.
    Returns the model changes, as the form gives them."""
    data = {name: values.get(name) or "" for name in ("title", "description", "team", "priority")}
    owner = values.get("owner")
    data["owner"] = owner.pk if owner else ""
    # The API checks the version itself (expected_version, stale_refused): the form is
    # given the action's current one.
    data["version"] = action.version if action is not None else ""
    data["due_date_reason"] = values.get("due_date_reason") or ""
    for name in ("start_date", "due_date"):
        day = values.get(name)
        parts = (day.day, day.month, day.year) if day else ("", "", "")
        data.update({f"{name}_{i}": part for i, part in enumerate(parts)})
    form = ActionForm(data, force_id=force_id, action=action)
    if not form.is_valid():
        raise ValidationError(
            {("non_field_errors" if k == "__all__" else k): v for k, v in form.errors.items()}
        )
    return form.changes()


# Audit events that mean the action's version went up (see Action._save_versioned).
VERSIONED_VERBS = (Q(verb__startswith="action.") & ~Q(verb="action.create")) | Q(
    verb="extension.approved"
)


TRANSITION_INPUT = {"submit": s.SubmitSerializer}
TRANSITION_HELP = {
    "start": "Start work on an action that has not started.",
    "hold": "Put the action on hold; the note is recorded as the reason.",
    "resume": "Resume work on an action on hold.",
    "submit": "Submit for closure. Needs a closing summary and at least one piece of "
    "current evidence.",
    "return": "Return a submitted action for more work (a board decision; the note is the "
    "rationale).",
    "close": "Sign off a submitted action: it closes (a board decision; the owner may not "
    "sign off their own action).",
    "reopen": "Reopen a closed action (coordinators).",
}


def transition_route(name: str, serializer_class=None):
    """A POST endpoint for one workflow move; each calls Action.apply_update."""
    move = TRANSITIONS[name]
    serializer_class = serializer_class or TRANSITION_INPUT.get(name, s.TransitionSerializer)

    def view(self, request, pk=None):
        return self.move(request, name, serializer_class)

    view.__name__ = f"transition_{name}"
    view.__doc__ = TRANSITION_HELP[name]
    view = route(detail=True, methods=["post"], url_path=ENDPOINTS[name], url_name=ENDPOINTS[name])(
        view
    )
    return extend_schema(
        operation_id=f"actions_{ENDPOINTS[name].replace('-', '_')}",
        summary=move.label,
        request=serializer_class,
        responses={200: s.ActionSerializer},
    )(view)


@extend_schema(tags=["actions"])
class ActionViewSet(ReadOnlyViewSet):
    """Actions you can see, with the same filters as the All actions page.

    Every change goes through the same model methods as the pages, so the same rules and
    audit trail apply. Changes carry the version they are based on (the `version` field or
    an If-Match header with the ETag); a stale one answers 409 (or 412) saying what changed.
    """

    serializer_class = s.ActionSerializer
    filterset_class = ActionFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    # Changes that carry a version: the schema documents their 409/412 (api.schema).
    versioned_actions = {"partial_update", "post_update", *(f"transition_{t}" for t in TRANSITIONS)}

    def get_queryset(self):
        return (
            Action.objects.visible_to(self.request.user)
            .for_list()
            .select_related("finding__board")
            .order_by("due_date", "pk")
        )

    def _fresh(self, pk):
        return self.get_queryset().get(pk=pk)

    def _respond(self, action, code=status.HTTP_200_OK):
        data = s.ActionSerializer(action, context=self.get_serializer_context()).data
        return Response(data, status=code, headers={"ETag": f'"{action.version}"'})

    def retrieve(self, request, *args, **kwargs):
        return self._respond(self.get_object())

    @extend_schema(request=s.ActionCreateSerializer, responses={201: s.ActionSerializer})
    def create(self, request, *args, **kwargs):
        """Raise an action against a finding (coordinators of its force)."""
        data = s.ActionCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        finding = data.validated_data.pop("finding")
        if not can_manage_force(request.user, finding.inspection.force_id):
            raise PermissionDenied("Only a coordinator may raise actions.")
        fields = checked_by_action_form(
            force_id=finding.inspection.force_id, action=None, values=data.validated_data
        )
        action = create_action(finding=finding, by=request.user, **fields)
        return self._respond(self._fresh(action.pk), status.HTTP_201_CREATED)

    @extend_schema(
        request=s.ActionEditSerializer,
        responses={200: s.ActionSerializer},
    )
    def partial_update(self, request, *args, **kwargs):
        """Edit an action's allocation (coordinators): send only what changes, and the
        version you are changing."""
        action = self.get_object()
        if not action.can(request.user, "edit"):
            closed = " while it is closed: reopen it first" if not action.is_open else ""
            raise PermissionDenied(f"You may not edit this action{closed}.")
        data = s.ActionEditSerializer(
            data=request.data,
            partial=True,
            context={
                **self.get_serializer_context(),
                "force_id": action.force_id,
                "keep_owner": action.owner_id,
            },
        )
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        reason = changes.pop("due_date_reason", "")
        expected, by_header = expected_version(request, changes.pop("version", None), True)
        current = {name: getattr(action, name) for name in s.ActionFieldsSerializer().fields}
        with stale_refused(self, action, expected, by_header):
            fields = checked_by_action_form(
                force_id=action.force_id,
                action=action,
                values={**current, **changes, "due_date_reason": reason},
            )
            action.edit(
                by=request.user,
                changes={k: v for k, v in fields.items() if k in changes},
                expected_version=expected,
                reason=reason,
            )
        return self._respond(self._fresh(action.pk))

    def move(self, request, name, serializer_class):
        """Make one workflow move through Action.apply_update, as the update page does."""
        action = self.get_object()
        if not action.can(request.user, name):
            raise PermissionDenied(f"You may not “{TRANSITIONS[name].label.lower()}” this action.")
        data = serializer_class(
            data=request.data, context={**self.get_serializer_context(), "action": action}
        )
        data.is_valid(raise_exception=True)
        values = data.validated_data
        expected, by_header = expected_version(request, values.get("version"), False)
        with stale_refused(self, action, expected, by_header):
            action.apply_update(
                by=request.user,
                note=values["note"],
                progress=values.get("progress"),
                rag=values.get("rag") or None,
                transition=name,
                closing_summary=values.get("closing_summary", ""),
                expected_version=expected,
                context=self.move_context(values),
            )
        return self._respond(self._fresh(action.pk))

    def move_context(self, values: dict) -> dict:
        """What a move passes to the layers above (Action.apply_update's context)."""
        return {}

    # The board's moves (return, sign-off) are added by governance.api.ActionViewSet.
    transition_start = transition_route("start")
    transition_hold = transition_route("hold")
    transition_resume = transition_route("resume")
    transition_submit = transition_route("submit")
    transition_reopen = transition_route("reopen")

    @extend_schema(
        request=s.UpdateInputSerializer,
        responses={201: s.UpdateSerializer},
        summary="Post a progress update",
    )
    @route(detail=True, methods=["post"], url_path="updates", url_name="updates")
    def post_update(self, request, pk=None):
        """A note, with optional progress and RAG; the status stays as it is."""
        action = self.get_object()
        if not action.can(request.user, "update"):
            raise PermissionDenied("You may not update this action.")
        data = s.UpdateInputSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        expected, by_header = expected_version(request, values.get("version"), False)
        with stale_refused(self, action, expected, by_header):
            update = action.apply_update(
                by=request.user,
                note=values["note"],
                progress=values.get("progress"),
                rag=values.get("rag") or None,
                expected_version=expected,
            )
        return Response(
            s.UpdateSerializer(update).data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": f'"{action.version}"'},
        )

    @extend_schema(
        request={
            "multipart/form-data": s.EvidenceUploadSerializer,
            "application/json": s.EvidenceUploadSerializer,
        },
        responses={201: s.EvidenceSerializer},
        summary="Add evidence",
    )
    @route(
        detail=True,
        methods=["post"],
        url_path="evidence",
        url_name="evidence",
        parser_classes=[MultiPartParser, FormParser, JSONParser],
    )
    def add_evidence(self, request, pk=None):
        """Upload a file (multipart/form-data) or give a link. Files are checked by
        content and size, hashed, and never replace earlier evidence."""
        action = self.get_object()
        if not action.can(request.user, "add_evidence"):
            raise PermissionDenied("You may not add evidence to this action.")
        data = s.EvidenceUploadSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            evidence = evidence_add(
                action=action,
                by=request.user,
                description=values["description"],
                effective_date=values["effective_date"],
                marking=values["marking"],
                upload=values.get("file"),
                url=values.get("url", ""),
                supersedes=values.get("supersedes"),
            )
        except ScanUnavailable as error:
            raise Unavailable(error.messages[0]) from error  # 503: try again later
        except DjangoValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise DjangoValidationError({"file": error.messages}) from error  # the file checks
        finally:
            security.record_refused_uploads(
                request, force_id=action.force_id, where="evidence (API)", action=action.pk
            )
        return Response(s.EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


def expected_version(request, body_version, required: bool) -> tuple[int | None, bool]:
    """The version a change is based on, from If-Match (preferred) or the body."""
    header = request.headers.get("If-Match")
    if header is not None:
        value = header.strip()
        if value == "*":
            return None, True
        value = value.removeprefix("W/").strip('"')
        if not (value.isascii() and value.isdigit() and len(value) <= 10) or int(value) > MAX_INT:
            raise ValidationError({"If-Match": ['Send the ETag from GET, for example "3".']})
        return int(value), True
    if body_version is None and required:
        raise ValidationError(
            {
                "version": [
                    "Send the version you are changing: the action's `version` from GET, or "
                    "its ETag in an If-Match header."
                ]
            }
        )
    return body_version, False


@contextmanager
def stale_refused(view, action: Action, expected: int | None, by_header: bool):
    """Refuse a change based on an old version: 409 (412 for If-Match), saying what changed."""
    try:
        if expected is not None and expected != action.version:
            raise ConcurrentEdit(action)
        yield
    except ConcurrentEdit as error:
        current = view._fresh(action.pk)
        detail, extra = conflict(view, current, expected)
        refusal = PreconditionFailed if by_header else Conflict
        raise refusal(detail, extra=extra) from error


def conflict(view, current: Action, expected: int | None) -> tuple[str, dict]:
    """What to tell a client whose change was based on version `expected`.

    A client that sent no version raced someone else's change between our reading the
    action and writing it: it is told of that change, as if it had sent the version read.
    """
    missed = 1 if expected is None else max(current.version - expected, 0)
    events = list(
        current.events.filter(VERSIONED_VERBS)
        .select_related("actor")
        .order_by("-created_at", "-pk")[: min(missed, 20)]
    )[::-1]
    changes = [
        {
            "at": e.created_at.isoformat(),
            "by": person(e.actor),
            "summary": e.summary,
            "changes": e.changes,
        }
        for e in events
    ]
    latest = changes[-1] if changes else None
    who = f" {latest['by']}: {latest['summary']}." if latest else ""
    if expected is None:
        detail = (
            "Someone else changed this action at the same moment, so your change was not "
            f"saved; it is now version {current.version}.{who} Check the change and send "
            f"yours again (with version {current.version} to be sure)."
        )
    elif missed:
        detail = (
            f"This action was changed after version {expected}; it is now version "
            f"{current.version}.{who} Check the changes and send yours again with version "
            f"{current.version}."
        )
    else:
        detail = (
            f"There is no version {expected} of this action yet: it is version {current.version}."
        )
    extra = {
        "your_version": expected,
        "current_version": current.version,
        "changes_since": changes,
        "current": s.ActionSerializer(current, context=view.get_serializer_context()).data,
    }
    return detail, extra


@extend_schema(tags=["updates"])
class UpdateViewSet(ReadOnlyViewSet):
    """Progress updates, newest first. Cursor-paginated: follow `next`."""

    serializer_class = s.UpdateSerializer
    filterset_class = UpdateFilter
    pagination_class = CursorPagination

    def get_queryset(self):
        return in_forces_of(
            self.request.user,
            Update.objects.select_related("author"),
            "action__finding__inspection__force_id",
        )


@extend_schema(tags=["evidence"])
class EvidenceViewSet(ReadOnlyViewSet):
    """Evidence you may see: OFFICIAL-SENSITIVE items only if you are on the need-to-know
    list (the action's owner, the uploader, coordinators, board members, auditors)."""

    serializer_class = s.EvidenceSerializer
    filterset_class = EvidenceFilter

    def get_queryset(self):
        return (
            Evidence.objects.readable_by(self.request.user)
            .select_related("uploaded_by", "superseded_by")
            .order_by("-uploaded_at", "-pk")
        )

    def perform_content_negotiation(self, request, force=False):
        # A download answers with the file's own type, whatever the client accepts.
        return super().perform_content_negotiation(
            request, force=force or self.action == "download"
        )

    @extend_schema(
        responses={
            (200, "*/*"): OpenApiResponse(OpenApiTypes.BINARY, description="The file."),
        },
        summary="Download a file",
    )
    @route(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The file, as an attachment. Same checks and audit record as the page's download."""
        return pages.evidence_download(request._request, pk=self.get_object().pk)
