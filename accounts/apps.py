from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and access"

    def ready(self):
        # Registers the OpenAPI description of token authentication.
        from . import schema  # noqa: F401
