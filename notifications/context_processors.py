"""Template context: the signed-in user's unread notification count, for the header."""

from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request):
    """Counted once, and only when a page shows it (the admin and API pages do not)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.visible_to(user).unread().count()
        )
    }
