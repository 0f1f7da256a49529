from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "Action plans"

    def ready(self):
        # An imported action's page says which plan, row and reference it came from.
        from actions.views import ACTION_PAGE_EXTRAS

        from .views import action_page_extras

        if action_page_extras not in ACTION_PAGE_EXTRAS:
            ACTION_PAGE_EXTRAS.append(action_page_extras)
