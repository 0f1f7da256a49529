"""Reads over notifications: a user's inbox, emails still to send, a coordinator's failures."""

from django.db import models

from forces.models import Membership


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A user's own notifications; nobody else's exist for them.

        Notices about a force the user no longer belongs to are hidden with the force's
        actions: someone moved to another force keeps no window on the old one.
        """
        if not user.is_authenticated:
            return self.none()
        mine = self.filter(recipient=user)
        if user.is_superuser:
            return mine
        return mine.filter(
            models.Q(force__isnull=True)
            | models.Q(force_id__in=Membership.objects.filter(user=user).values("force_id"))
        )

    def in_app(self):
        return self.filter(channel="in_app")

    def email(self):
        return self.filter(channel="email")

    def unread(self):
        return self.in_app().filter(read_at__isnull=True)

    def retryable(self):
        """Emails waiting to go, or failed with tries left."""
        from .models import MAX_ATTEMPTS

        return self.email().filter(
            models.Q(status="pending") | models.Q(status="failed", attempts__lt=MAX_ATTEMPTS)
        )

    def undelivered(self):
        """Emails that failed or could not be sent: what a coordinator needs to see."""
        return self.email().filter(status__in=["failed", "skipped"])

    def for_forces(self, force_ids):
        """Scoped to forces; None means every force (superuser)."""
        return self if force_ids is None else self.filter(force_id__in=force_ids)
