"""The request (or background job) the code is running for, so the trail can name it.

The outermost middleware and the task worker's log hooks (peeltrack/logs.py) set it;
`Event.record` copies it into each event's data. A context variable rather than a
thread-local, so it follows the code into threads and async tasks correctly.
"""

from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("peeltrack_request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request or job being served, if any."""
    return request_id.get()
