"""Board decisions: a sign-off or return recorded as a Decision, and extension requests."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.dispatch import receiver
from django.utils import timezone

from actions.models import Action, ConcurrentEdit
from actions.signals import action_moved
from audit.models import Event, diff

from .models import DECISIONS, Decision, ExtensionRequest
from .signals import extension_decided, extension_requested


class ExtensionConflict(Exception):
    """Someone else asked for, or decided, the same extension at the same moment (409)."""


@receiver(action_moved, sender=Action, dispatch_uid="governance.decision_record")
def decision_record(*, action, move, by, note, at, context, **kwargs) -> None:
    """Closing or returning an action is a board decision: record it, with its meeting."""
    if move.name not in DECISIONS:
        return
    Decision.objects.create(
        action=action,
        board=action.finding.board,
        outcome=DECISIONS[move.name],
        rationale=note,
        decided_by=by,
        decided_at=at,
        meeting=context.get("meeting"),
    )


def extension_request(
    *, action: Action, by, new_due_date: dt.date, reason: str
) -> ExtensionRequest:
    """Ask the overseeing board for a later due date."""
    if not action.can(by, "request_extension"):
        raise PermissionDenied("You may not ask for an extension on this action.")
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "Enter why the action needs more time."
    if action.due_date and new_due_date <= action.due_date:
        errors["new_due_date"] = (
            f"The new due date must be after the current one ({action.due_date:%d %B %Y})."
        )
    elif new_due_date < timezone.localdate():
        errors["new_due_date"] = "The new due date must be in the future."
    if action.extensions.filter(state=ExtensionRequest.State.PENDING).exists():
        errors["new_due_date"] = "An extension request for this action is already waiting."
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            request = ExtensionRequest.objects.create(
                action=action,
                requested_by=by,
                current_due_date=action.due_date,
                requested_due_date=new_due_date,
                reason=reason.strip(),
            )
            Event.record(
                by,
                "extension.request",
                action,
                summary=f"Extension requested to {new_due_date:%d %B %Y}",
                note=reason.strip(),
                extension=request.pk,
            )
            extension_requested.send(sender=ExtensionRequest, request=request, by=by)
    except IntegrityError as error:
        # The check above passed, but another request was saved since (one_pending_...).
        raise ExtensionConflict(
            "Someone asked for an extension on this action at the same moment: that "
            "request is now waiting for the board, so yours was not sent."
        ) from error
    return request


def extension_decide(
    *, request: ExtensionRequest, by, approve: bool, rationale: str, meeting=None
) -> ExtensionRequest:
    """The board approves (the due date moves; the original is kept) or rejects a request."""
    action = request.action
    if not action.can(by, "decide_extension") or by.pk == request.requested_by_id:
        raise PermissionDenied("You may not decide this extension request.")
    if request.state != ExtensionRequest.State.PENDING:
        raise ValidationError({"approve": "This request has already been decided."})
    if not (rationale or "").strip():
        raise ValidationError({"rationale": "Enter the reason for the decision."})
    if approve and action.due_date and request.requested_due_date <= action.due_date:
        raise ValidationError(
            {
                "approve": f"The due date has since been changed to {action.due_date:%d %B %Y}, "
                "on or after the date asked for: reject the request as no longer needed."
            }
        )
    with transaction.atomic():
        # Read again, locked, so two members deciding at once cannot both succeed.
        fresh = ExtensionRequest.objects.select_for_update().get(pk=request.pk)
        if fresh.state != ExtensionRequest.State.PENDING:
            raise ExtensionConflict(
                "Someone else decided this request a moment ago "
                f"({fresh.get_state_display().lower()}); your decision was not recorded."
            )
        request.state = (
            ExtensionRequest.State.APPROVED if approve else ExtensionRequest.State.REJECTED
        )
        request.decided_by = by
        request.decided_at = timezone.now()
        request.rationale = rationale.strip()
        request.meeting = meeting
        request.save()
        changes = {}
        if approve:
            before = action.snapshot()
            action.due_date = request.requested_due_date
            try:
                action._save_versioned(["due_date"], action.version)
            except ConcurrentEdit as error:
                raise ExtensionConflict(
                    "The action was changed by someone else while you decided; nothing was "
                    "recorded. Check the action and decide again."
                ) from error
            changes = diff(before, action.snapshot())
        Event.record(
            by,
            f"extension.{request.state}",
            action,
            summary=f"Extension to {request.requested_due_date:%d %B %Y} {request.state}",
            changes=changes,
            note=request.rationale,
            extension=request.pk,
        )
        extension_decided.send(sender=ExtensionRequest, request=request, by=by)
    return request
