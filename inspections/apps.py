from django.apps import AppConfig
from django.db.models.signals import post_save


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections"

    def ready(self):
        # A force added after a national report was imported receives its own copy.
        from forces.models import Force

        from .national import distribute_to_new_force

        post_save.connect(
            distribute_to_new_force, sender=Force, dispatch_uid="national-to-new-force"
        )
