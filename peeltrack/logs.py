"""Structured logs: one JSON line per record, one record per request and per background job.

Every line has the time (UTC), level, logger, message and the id of the request or job it
belongs to. The line for a request adds the user's id (a number, never a name or an
email address), the method, the path without its query string (filters can hold names
people searched for), the status and the duration. Nothing else about a request is
logged: no headers, cookies, bodies or query strings. The line for a background job adds
the task, its outcome and its duration.

The request id comes from the reverse proxy's X-Request-ID header when it is a plain
token (so the proxy's and the app's lines join up), or is made here; it goes back in the
response's X-Request-ID header and into every audit event recorded during the request
(audit/context.py).
"""

import contextlib
import datetime as dt
import logging
import re
import time
import uuid

from django.utils.functional import SimpleLazyObject, empty
from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from audit import context

request_logger = logging.getLogger("peeltrack.request")
task_logger = logging.getLogger("peeltrack.task")

REQUEST_ID_HEADER = "X-Request-ID"
# An id from outside is kept only if it is a plain token: anything else could forge log
# lines or smuggle personal data into them.
PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,100}")


class ContextFilter(logging.Filter):
    """Adds the current request id to every record; drops what must not be logged."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = context.current_request_id()
        # Django attaches the request object to its error records: its text carries the
        # query string. The path is already in the message.
        record.__dict__.pop("request", None)
        return True


class JsonFormatter(BaseJsonFormatter):
    """python-json-logger's formatter with PEELtrack's field names, time first."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["levelname", "name", "message"])
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        super().__init__(*args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        log_data["time"] = dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(
            timespec="milliseconds"
        )
        super().add_fields(log_data, record, message_dict)


def request_id_from(request) -> str:
    """The proxy's id for this request if it sent a plain one, else a new one."""
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    if PLAIN_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


def _user_id(request) -> int | None:
    """Who made the request, if the request looked them up (this never adds a query)."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    """Gives each request an id and writes one log line when its response is complete."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_from(request)
        token = context.request_id.set(request.request_id)
        try:
            response = self.get_response(request)
        finally:
            context.request_id.reset(token)
        response[REQUEST_ID_HEADER] = request.request_id
        if response.streaming:
            # A download is logged when its last byte has gone (or the client left).
            response.streaming_content = self._logged(
                response.streaming_content, request, response, started
            )
        else:
            self._log(request, response, started)
        return response

    def _logged(self, chunks, request, response, started):
        token = context.request_id.set(request.request_id)
        try:
            yield from chunks
        finally:
            with contextlib.suppress(ValueError):  # closed from another context
                context.request_id.reset(token)
            self._log(request, response, started)

    def _log(self, request, response, started) -> None:
        status = response.status_code
        request_logger.log(
            logging.ERROR if status >= 500 else logging.INFO,
            "%s %s %s",
            request.method,
            request.path,
            status,
            extra={
                "request_id": request.request_id,
                "user_id": _user_id(request),
                "method": request.method,
                "path": request.path,
                "status": status,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )


# --- background jobs (django-tasks) ------------------------------------------------------

_running: dict[str, tuple[float, object]] = {}


def task_started(sender, task_result, **kwargs) -> None:
    """A job starts: its log lines and audit events carry the job's id."""
    token = context.request_id.set(f"task-{task_result.id}")
    _running[str(task_result.id)] = (time.perf_counter(), token)


def task_finished(sender, task_result, **kwargs) -> None:
    """A job ends: one line with its outcome and duration."""
    started, token = _running.pop(str(task_result.id), (None, None))
    try:
        path = task_result.task.module_path
    except Exception:  # noqa: BLE001  (a task that no longer imports still gets its line)
        path = ""
    status = str(getattr(task_result.status, "value", task_result.status))
    task_logger.log(
        logging.ERROR if status == "FAILED" else logging.INFO,
        "task %s %s",
        path,
        status,
        extra={
            "request_id": f"task-{task_result.id}",
            "user_id": None,
            "path": path,
            "status": status,
            "duration_ms": (
                round((time.perf_counter() - started) * 1000, 1) if started is not None else None
            ),
        },
    )
    if token is not None:
        try:
            context.request_id.reset(token)
        except ValueError:
            context.request_id.set(None)
