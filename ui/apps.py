from django.apps import AppConfig
from django.db.backends.signals import connection_created


class UiConfig(AppConfig):
    name = "ui"
    verbose_name = "Page building blocks"

    def ready(self):
        # Accent-insensitive search (ui.search) needs its fold function in SQLite.
        from .search import register_sqlite_fold

        connection_created.connect(register_sqlite_fold, dispatch_uid="ui.search.fold")
