"""Request parameters checked before any view sees them: no NUL bytes, no huge query values.

A NUL byte is never part of real text, and PostgreSQL refuses it in text columns and JSON
(DataError); a query-string value is a filter or a search, never a page of text. Both are
refused here with a 400 that names the parameter, so no view, filter or audit event has
to guard against them one by one. Under /api/ the answer has the API's validation shape
(`errors` by parameter). Form fields and API serializers also refuse NUL themselves
(Django's and DRF's CharField), which covers JSON bodies.
"""

from django.http import JsonResponse, QueryDict

from ui.limits import QUERY_VALUE_MAX

from . import errors

NUL_MESSAGE = "Remove the character that is not allowed (a NUL byte)"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def problems_in(params: QueryDict, *, max_value: int | None) -> dict[str, str]:
    """{parameter: what is wrong with it} for NUL bytes and over-long values."""
    found = {}
    for key, values in params.lists():
        name = key.replace("\x00", "") or "parameter"
        if "\x00" in key or any("\x00" in value for value in values):
            found[name] = NUL_MESSAGE
        elif max_value is not None and any(len(value) > max_value for value in values):
            found[name] = f"Enter {max_value:,} characters or fewer"
    return found


class RequestInputMiddleware:
    """Refuses (400) a NUL byte in any parameter, or an over-long query-string value."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        problems = problems_in(request.GET, max_value=QUERY_VALUE_MAX)
        if not problems and request.method == "POST" and self._is_form(request):
            # The body's fields, as a form sends them; files are not parameters.
            problems = problems_in(request.POST, max_value=None)
        if problems:
            return self.refuse(request, problems)
        return self.get_response(request)

    @staticmethod
    def _is_form(request) -> bool:
        return (request.content_type or "").startswith(FORM_TYPES)

    @staticmethod
    def refuse(request, problems: dict[str, str]):
        detail = "; ".join(f"{name}: {message}" for name, message in problems.items()) + "."
        if errors.wants_json(request):
            body = {
                "status": 400,
                "code": "invalid",
                "detail": detail,
                "errors": {name: [message] for name, message in problems.items()},
            }
            response = JsonResponse(body, status=400)
            response["Cache-Control"] = "no-store"
            return response
        return errors.answer(
            request,
            400,
            code="bad_request",
            title="Sorry, the request could not be understood",
            detail=detail,
        )
