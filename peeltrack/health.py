"""Health probes for load balancers and service managers.

- `/healthz`: this process is up and answering (no database, no storage).
- `/readyz`: it can serve: the database and the file store answer now. A server that is
  not ready is taken out of the pool until it is.

Both are answered before any other middleware: no sign-in, no host check (a balancer
probes by address), no HTTPS redirect (it probes over plain HTTP behind TLS), no session
and no log line per probe. They say only "ok" or which of the two checks failed; the
reason goes to the log.
"""

import logging

from django.core.files.storage import default_storage
from django.db import connections
from django.http import JsonResponse

from . import storage

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def _answer(status: int, body: dict) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def _database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _files() -> None:
    storage.ready(default_storage)


CHECKS = {"database": _database, "storage": _files}


def live() -> JsonResponse:
    return _answer(200, {"status": "ok"})


def ready() -> JsonResponse:
    failing = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # noqa: BLE001  (any failure means not ready)
            logger.warning("Not ready: %s check failed (%s)", name, type(error).__name__)
            failing.append(name)
    if failing:
        return _answer(503, {"status": "unavailable", "failing": failing})
    return _answer(200, {"status": "ok"})


PROBES = {"/healthz": live, "/readyz": ready}


class HealthCheckMiddleware:
    """Answers the two probes itself; everything else goes on down the stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        probe = PROBES.get(request.path_info.rstrip("/"))
        if probe is None:
            return self.get_response(request)
        if request.method not in {"GET", "HEAD"}:
            response = _answer(405, {"status": "method not allowed"})
            response["Allow"] = "GET, HEAD"
            return response
        return probe()
