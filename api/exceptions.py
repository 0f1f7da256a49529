"""One JSON shape for every API error, so scripts handle failures the same way everywhere.

    {"status": 400, "code": "invalid", "detail": "progress: Ensure this value ...",
     "errors": {"progress": ["Ensure this value is less than or equal to 100."]}}

`errors` appears on validation failures (field name -> messages; `non_field_errors`
for the request as a whole). Conflicts (409/412) add `your_version`, `current_version`,
`changes_since` and `current`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY


class Conflict(exceptions.APIException):
    """The object changed since the version the client based its change on."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = "The object was changed by someone else."

    def __init__(self, detail=None, *, extra=None):
        super().__init__(detail)
        self.extra = extra or {}


class Unavailable(exceptions.APIException):
    """Something the request needs (the virus scanner) cannot answer now: try again later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"
    default_detail = "The service is unavailable just now. Try again later."


class PreconditionFailed(Conflict):
    """As Conflict, when the version came in an If-Match header."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"


def _messages(value) -> list[str]:
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _messages(v)]
    if isinstance(value, list | tuple):
        return [m for item in value for m in _messages(item)]
    return [str(value)]


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(field): _messages(value) for field, value in detail.items()}
    return {NON_FIELD: _messages(detail)}


def _summary(errors: dict[str, list[str]]) -> str:
    field, messages = next(iter(errors.items()))
    first = messages[0] if messages else "Invalid input."
    return first if field == NON_FIELD else f"{field}: {first}"


def exception_handler(exc, context):
    """DRF's handler, with model-rule refusals mapped and every body in one shape."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        if isinstance(detail, dict) and "__all__" in detail:
            detail[NON_FIELD] = detail.pop("__all__")
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    body = {"status": response.status_code, "code": _code(exc)}
    if isinstance(exc, exceptions.ValidationError):
        errors = _field_errors(exc.detail)
        body["detail"] = _summary(errors)
        body["errors"] = errors
    else:
        body["detail"] = " ".join(_messages(exc.detail))
    if isinstance(exc, Conflict):
        body.update(exc.extra)
    response.data = body
    return response


def _code(exc) -> str:
    if isinstance(exc, exceptions.ValidationError):
        return "invalid"
    return getattr(exc, "default_code", "error")


class ErrorSerializer(serializers.Serializer):
    """Every error response (documentation only)."""

    status = serializers.IntegerField(help_text="The HTTP status code, repeated.")
    code = serializers.CharField(
        help_text="A short machine-readable reason: invalid, not_found, permission_denied, "
        "not_authenticated, authentication_failed, conflict, precondition_failed, ..."
    )
    detail = serializers.CharField(help_text="What went wrong, in plain English.")
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="On validation errors: each field's messages; `non_field_errors` for the "
        "request as a whole.",
    )


class ConflictSerializer(ErrorSerializer):
    """A stale change: what the client based it on, and what happened since (docs only)."""

    your_version = serializers.IntegerField(allow_null=True)
    current_version = serializers.IntegerField()
    changes_since = serializers.ListField(
        child=serializers.DictField(),
        help_text="The changes made since your version, oldest first: when, by whom, a "
        "summary and each changed field's [before, after].",
    )
    current = serializers.DictField(help_text="The object as it is now.")
