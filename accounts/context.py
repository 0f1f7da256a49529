"""Who is acting right now, for changes recorded by model signals.

Changes to people and their access are audited whoever makes them and through whatever
door: the front office, the Django admin, the API, a shell. Signals do not know the
request, so `RequestContextMiddleware` keeps it here for the length of each request, and
code outside a request (commands, services called directly) names its actor with
`acting_as(user)`. With neither, the actor is None: "the system".
"""

import contextlib
from contextvars import ContextVar

_request = ContextVar("peeltrack_request", default=None)
_actor = ContextVar("peeltrack_actor", default=None)


def current_request():
    return _request.get()


def current_actor():
    """The user acting now: the one named by acting_as(), else the request's user."""
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None) if request is not None else None
    return user if user is not None and user.is_authenticated else None


def current_route() -> str:
    """The URL name of the request being served ('admin:auth_user_change', ...), or ''."""
    request = _request.get()
    match = getattr(request, "resolver_match", None) if request is not None else None
    return match.view_name if match is not None else ""


@contextlib.contextmanager
def acting_as(user):
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


@contextlib.contextmanager
def serving(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)
