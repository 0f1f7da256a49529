from django.apps import AppConfig


class PeeltrackConfig(AppConfig):
    name = "peeltrack"
    verbose_name = "PEELtrack"

    def ready(self):
        try:  # Django 6 has the framework built in; the django-tasks backport before that.
            from django.tasks.signals import task_finished, task_started
        except ImportError:
            from django_tasks.signals import task_finished, task_started

        from . import checks, logs  # noqa: F401  (checks register themselves)

        # One log line per background job, and its id on what the job records.
        task_started.connect(logs.task_started, dispatch_uid="peeltrack.logs.task_started")
        task_finished.connect(logs.task_finished, dispatch_uid="peeltrack.logs.task_finished")
