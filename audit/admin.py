"""Back office: the audit trail to read, and the base every audited back-office page uses."""

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet

from .models import Event


def _plain(value):
    """A form value as something the audit trail's JSON can hold."""
    if value is None or isinstance(value, (int, str, bool)):
        return value
    if isinstance(value, (QuerySet, list, tuple, set)):
        return sorted(str(item) for item in value)
    return str(value)


def _record(request, verb: str, obj, summary: str, changes=None) -> None:
    Event.record(
        request.user, f"{obj._meta.model_name}.{verb}", obj, summary=summary, changes=changes
    )


class AuditedAdmin(admin.ModelAdmin):
    """Back-office changes, inline rows and deletions write audit events, like any other."""

    def save_model(self, request, obj, form, change):
        changes = {
            name: [_plain(form.initial.get(name)), _plain(form.cleaned_data.get(name))]
            for name in form.changed_data
        }
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            label = obj._meta.verbose_name.capitalize()
            verb, done = ("edit", "changed") if change else ("create", "added")
            _record(request, verb, obj, f"{label} {done} (back office)", changes)

    def save_formset(self, request, form, formset, change):
        with transaction.atomic():
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                _record(request, "delete", obj, f"{obj._meta.verbose_name.capitalize()} deleted")
                obj.delete()
            for obj in instances:
                verb = "create" if obj._state.adding else "edit"
                obj.save()
                _record(request, verb, obj, f"{obj._meta.verbose_name.capitalize()} saved")
            formset.save_m2m()

    def delete_model(self, request, obj):
        with transaction.atomic():
            _record(request, "delete", obj, f"{obj._meta.verbose_name.capitalize()} deleted")
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


class ForceScopedAdmin(AuditedAdmin):
    """Staff who are not superusers see only their own forces' rows."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.visible_to(request.user)


class ReadOnlyMixin:
    """Records written by the workflow; the back office reads them but never edits them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, ForceScopedAdmin):
    list_display = ["created_at", "actor", "verb", "object_repr", "summary"]
    list_filter = ["force", "verb", "object_type"]
    search_fields = ["object_repr", "summary", "actor__username"]
    date_hierarchy = "created_at"
