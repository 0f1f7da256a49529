from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Boards and decisions"

    def ready(self):
        # Connects the receiver that records a board decision when an action is closed
        # or returned (actions.signals.action_moved).
        from actions.views import ACTION_EDIT_WARNINGS, ACTION_PAGE_EXTRAS

        from . import services  # noqa: F401
        from .views import action_page_extensions, pending_extension_warning

        if action_page_extensions not in ACTION_PAGE_EXTRAS:
            ACTION_PAGE_EXTRAS.append(action_page_extensions)
        if pending_extension_warning not in ACTION_EDIT_WARNINGS:
            ACTION_EDIT_WARNINGS.append(pending_extension_warning)
