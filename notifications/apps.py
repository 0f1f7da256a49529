from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Reminders and notifications"

    def ready(self):
        # A leaver's open actions are listed on the Reminders page for reallocation: the
        # People pages say so when someone is deactivated (accounts.people.LEAVER_WORK).
        from accounts.people import LEAVER_WORK

        from . import notices  # noqa: F401  (connects the receivers of event notices)
        from .views import leaver_open_actions

        if leaver_open_actions not in LEAVER_WORK:
            LEAVER_WORK.append(leaver_open_actions)
