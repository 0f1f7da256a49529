"""Signed-in sessions: their time limits, and ending them.

A session ends after SESSION_IDLE_TIMEOUT without a request and SESSION_ABSOLUTE_TIMEOUT
after sign-in, whatever happens (`SessionTimeoutMiddleware` asks `expiry_reason`). Each
session is listed per user (allauth's UserSession, written at sign-in), so a user can
see theirs and end them, and PEELtrack ends them all when a password changes or an
account is deactivated.
"""

import time
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase

AUTH_AT = "peeltrack_auth_at"
SEEN_AT = "peeltrack_seen_at"
# Activity is written back at most this often (seconds), not on every request.
TOUCH_EVERY = 60

IDLE = "idle"
ABSOLUTE = "absolute"


def stamp_sign_in(session: SessionBase, now: float | None = None) -> None:
    now = now if now is not None else time.time()
    session[AUTH_AT] = now
    session[SEEN_AT] = now


def expiry_reason(session: SessionBase, now: float | None = None) -> str | None:
    """IDLE or ABSOLUTE if the session has run out, else None."""
    now = now if now is not None else time.time()
    auth_at = session.get(AUTH_AT)
    seen_at = session.get(SEEN_AT)
    if not isinstance(auth_at, int | float) or not isinstance(seen_at, int | float):
        # A session from before these limits: its clocks start now.
        stamp_sign_in(session, now)
        return None
    if now - auth_at >= settings.SESSION_ABSOLUTE_TIMEOUT:
        return ABSOLUTE
    if now - seen_at >= settings.SESSION_IDLE_TIMEOUT:
        return IDLE
    return None


def touch(session: SessionBase, now: float | None = None) -> bool:
    """Record activity, at most once a TOUCH_EVERY; True when it wrote."""
    now = now if now is not None else time.time()
    if now - session.get(SEEN_AT, 0) < TOUCH_EVERY:
        return False
    session[SEEN_AT] = now
    return True


def remaining(session: SessionBase, now: float | None = None) -> dict:
    """Seconds left before the idle and the absolute limits end the session."""
    now = now if now is not None else time.time()
    idle = settings.SESSION_IDLE_TIMEOUT - (now - session.get(SEEN_AT, now))
    absolute = settings.SESSION_ABSOLUTE_TIMEOUT - (now - session.get(AUTH_AT, now))
    return {"idle": max(0, int(idle)), "absolute": max(0, int(absolute))}


def _store(key=None):
    return import_module(settings.SESSION_ENGINE).SessionStore(key)


def sessions_of(user) -> list:
    """The user's live sessions, oldest first; ended or expired ones are tidied away."""
    from allauth.usersessions.models import UserSession

    live = []
    for session in UserSession.objects.filter(user_id=user.pk).order_by("created_at"):
        store = _store(session.session_key)
        if not store.exists(session.session_key):
            session.delete()
            continue
        data = store.load()
        if str(data.get("_auth_user_id")) != str(user.pk) or expiry_reason(data) is not None:
            session.end()
            continue
        session.seen_at = data.get(SEEN_AT)
        live.append(session)
    return live


def end_sessions(user, *, keep: str | None = None) -> int:
    """End every session of user (but the one keyed `keep`); how many ended."""
    from allauth.usersessions.models import UserSession

    ended = 0
    for session in UserSession.objects.filter(user_id=user.pk).exclude(session_key=keep or ""):
        session.end()
        ended += 1
    return ended
