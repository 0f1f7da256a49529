from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        # A migration that rebuilds audit_event on SQLite drops its triggers: put them back.
        post_migrate.connect(_ensure_triggers, sender=self)


def _ensure_triggers(sender, using="default", **kwargs):
    from . import triggers

    triggers.ensure(using)
