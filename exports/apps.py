from django.apps import AppConfig
from django.conf import settings


class ExportsConfig(AppConfig):
    name = "exports"
    verbose_name = "Exports, evidence packs and reports"

    def ready(self):
        # A production key that cannot be read stops the start, not the first pack.
        if not settings.DEBUG:
            from . import signing

            signing.private_key()
