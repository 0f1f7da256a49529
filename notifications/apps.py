from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self):
        # A leaver's open actions are listed on the Reminders page for reallocation: the
        # People pages say so when someone is deactivated (accounts.people.LEAVER_WORK).
        from accounts.people import LEAVER_WORK, credentials_revoked

        from . import notices  # noqa: F401  (connects the receivers of event notices)
        from .calendar import feed_revoke
        from .views import leaver_open_actions

        if leaver_open_actions not in LEAVER_WORK:
            LEAVER_WORK.append(leaver_open_actions)
        # Signing out everywhere, or leaving, turns the calendar feed off as well.
        credentials_revoked.connect(feed_revoke, dispatch_uid="notifications.calendar")
