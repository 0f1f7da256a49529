from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and access"

    def ready(self):
        # Registers the OpenAPI description of token authentication.
        from . import receivers, schema  # noqa: F401

        # Security events and every change to people's access go in the audit trail.
        receivers.connect()
