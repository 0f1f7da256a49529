"""PEELtrack's own error pages, the API's error shape for them, and the database-outage 503.

The pages extend templates/error_base.html, which reads nothing from the database (no
signed-in user, no menu, no context processors), so they render even while the database
is down. Under /api/ every one of them answers in the API's JSON shape (api/exceptions.py)
instead. A 500 names the request id (also in the X-Request-ID header and the log line),
so a person can quote it and an operator can find the traceback.

When the database cannot be reached (OperationalError, InterfaceError) the answer is a
503 with Retry-After rather than a 500: the request was fine, try it again shortly.
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 30


def wants_json(request) -> bool:
    return request.path_info.startswith("/api/")


def answer(
    request, status: int, *, code: str, title: str, detail: str, template: str = ""
) -> HttpResponse:
    """The error, as a page or as the API's JSON, whichever the address calls for."""
    request_id = getattr(request, "request_id", "")
    if wants_json(request):
        body = {"status": status, "code": code, "detail": detail}
        if request_id:
            body["request_id"] = request_id
        response = JsonResponse(body, status=status)
    else:
        # Rendered without the request: no context processors, so no database.
        html = loader.render_to_string(
            template or f"{status}.html",
            {
                "title": title,
                "detail": detail,
                # A reference to quote when something went wrong on our side.
                "request_id": request_id if status >= 500 else "",
                "status": status,
            },
        )
        response = HttpResponse(html, status=status)
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def bad_request(request, exception=None):
    return answer(
        request,
        400,
        code="bad_request",
        title="Sorry, the request could not be understood",
        detail="Go back and try again.",
    )


def permission_denied(request, exception=None):
    # The model rules' refusals are written for the person refused ("You may not ...").
    reason = str(exception or "").strip() or "You do not have permission to do this."
    return answer(request, 403, code="permission_denied", title="You cannot do this", detail=reason)


def csrf_failure(request, reason=""):
    # Most often a form left open past the session, or opened before signing in again.
    return answer(
        request,
        403,
        code="csrf_failed",
        title="The form had expired",
        detail="Go back, reload the page, and send the form again. Copy anything long you "
        "typed before you reload it.",
        template="403_csrf.html",
    )


def page_not_found(request, exception=None):
    return answer(
        request,
        404,
        code="not_found",
        title="Page not found",
        detail="If you typed the web address, check it is correct. If you pasted it, check "
        "you copied the entire address. It may be something you cannot see.",
    )


def server_error(request):
    # Called while the exception is being handled: one raised outside a view (in a
    # middleware, say) that was a database outage still answers 503.
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return outage(request, sys.exc_info()[1])
    return answer(
        request,
        500,
        code="server_error",
        title="Sorry, there is a problem with the service",
        detail="Try again later. If you were saving something, check whether it was saved "
        "before you send it again.",
    )


def outage(request, exception) -> HttpResponse:
    logger.error("Database unavailable (%s): answered 503", type(exception).__name__)
    return answer(
        request,
        503,
        code="service_unavailable",
        title="Sorry, the service is unavailable",
        detail=f"PEELtrack cannot reach its database. Try again in {RETRY_AFTER_SECONDS} "
        "seconds. If you were saving something, check whether it was saved before you send "
        "it again.",
    )


class DatabaseOutageMiddleware:
    """A view that cannot reach the database answers 503 with Retry-After, pages and API alike."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_ERRORS):
            return outage(request, exception)
        return None
