from django.apps import AppConfig


class PeeltrackConfig(AppConfig):
    name = "peeltrack"
    verbose_name = "PEELtrack"
