"""Template context for the session timeout warning (templates/base.html)."""

from django.conf import settings

from . import sessions


def session_clock(request):
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or session is None or not user.is_authenticated:
        return {}
    left = sessions.remaining(session)
    return {
        "session_idle_seconds": left["idle"],
        "session_absolute_seconds": left["absolute"],
        "session_warning_seconds": settings.SESSION_WARNING_BEFORE,
    }
