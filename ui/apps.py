from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import pre_save


class UiConfig(AppConfig):
    name = "ui"
    verbose_name = "Page building blocks"

    def ready(self):
        # Accent-insensitive search (ui.search) needs its fold function in SQLite.
        from .search import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="ui.search.fold")

        from .limits import check_lengths_on_save

        # Every model's text limits hold at save, whichever door the text came in by.
        pre_save.connect(check_lengths_on_save, dispatch_uid="ui.limits.check_lengths")
