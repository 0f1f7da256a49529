from django.apps import AppConfig
from django.db.models.signals import pre_save


class UiConfig(AppConfig):
    name = "ui"
    verbose_name = "Page building blocks"

    def ready(self):
        from .limits import check_lengths_on_save

        # Every model's text limits hold at save, whichever door the text came in by.
        pre_save.connect(check_lengths_on_save, dispatch_uid="ui.limits.check_lengths")
