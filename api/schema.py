"""OpenAPI generation: every operation documents the errors it can answer with."""

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.plumbing import force_instance
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from .exceptions import ConflictSerializer, ErrorSerializer


class AutoSchema(BaseAutoSchema):
    """Adds the error responses the exception handler produces to each operation."""

    def _versioned(self) -> bool:
        return getattr(self.view, "action", None) in getattr(self.view, "versioned_actions", ())

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self._versioned():
            parameters.append(
                OpenApiParameter(
                    "If-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description='The ETag from GET (for example "3"), instead of `version`.',
                )
            )
        return parameters

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        errors = {
            "401": "Not signed in, or the token is missing, expired or revoked.",
            "403": "Signed in, but the rules do not allow this to you.",
            "429": "Too many requests from this token or address: wait the number of "
            "seconds in Retry-After.",
        }
        queries = [p for p in operation.get("parameters", []) if p["in"] == "query"]
        if queries or "requestBody" in operation:
            errors["400"] = "The request is not valid: `errors` says which fields and why."
        if "{" in self.path or self._is_list_view():
            errors["404"] = "Not found, or in a force you do not belong to (or past the last page)."
        if "requestBody" in operation:
            errors["415"] = "The body's content type is not accepted."
            if self._takes_a_file():
                errors["503"] = (
                    "The uploaded file could not be checked for viruses just now, so nothing "
                    "was stored: try again later."
                )
        for code, description in errors.items():
            if code not in responses:
                responses[code] = self._error(ErrorSerializer, code, description)
        responses["429"]["headers"] = {
            "Retry-After": {
                "schema": {"type": "integer"},
                "description": "Seconds to wait before trying again.",
            }
        }
        if self._versioned():
            description = (
                "Stale: the object changed since the version you sent (409 for the `version` "
                "field, 412 for an If-Match header). The body says what changed."
            )
            for code in ("409", "412"):
                responses.setdefault(code, self._error(ConflictSerializer, code, description))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _takes_a_file(self) -> bool:
        """Whether the request body has a file field (per content type, if so declared)."""
        declared = self.get_request_serializer()
        for serializer in declared.values() if isinstance(declared, dict) else [declared]:
            fields = getattr(force_instance(serializer), "fields", None) or {}
            if any(isinstance(field, serializers.FileField) for field in fields.values()):
                return True
        return False

    def _error(self, serializer, code, description):
        response = self._get_response_for_code(serializer, code)
        response["description"] = description
        return response
