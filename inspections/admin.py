"""Back office for forces, inspections, judgments and findings."""

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet

from actions.models import Action, Event

from .models import Board, Finding, Force, Inspection, Judgment


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


@admin.register(Force)
class ForceAdmin(AuditedAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["most_similar"]


@admin.register(Board)
class BoardAdmin(ForceScopedAdmin):
    list_display = ["name", "force"]
    list_filter = ["force"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


class JudgmentInline(admin.TabularInline):
    model = Judgment
    extra = 0
    fields = ["order", "pillar", "question", "grade", "last_inspected"]


@admin.register(Inspection)
class InspectionAdmin(ForceScopedAdmin):
    list_display = ["__str__", "force", "programme", "published", "response_due"]
    list_filter = ["force", "programme"]
    search_fields = ["programme", "title", "force__name"]
    date_hierarchy = "published"
    readonly_fields = ["source_sha256", "source_format", "created_at", "imported_by"]
    inlines = [JudgmentInline]

    @admin.display(description="PCC response due")
    def response_due(self, obj):
        return obj.response_due


@admin.register(Judgment)
class JudgmentAdmin(AuditedAdmin):
    list_display = ["inspection", "pillar", "question", "grade", "last_inspected"]
    list_filter = ["inspection__force", "inspection", "pillar", "grade"]
    search_fields = ["question"]


class ActionInline(admin.TabularInline):
    """Read-only here: actions change through their own page, which audits and versions."""

    model = Action
    extra = 0
    fields = ["title", "owner", "status", "due_date", "rag", "progress"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Finding)
class FindingAdmin(ForceScopedAdmin):
    list_display = [
        "reference",
        "kind",
        "short_text",
        "section",
        "theme",
        "force_progress",
        "inspectorate_status",
    ]
    list_filter = [
        "inspection__force",
        "inspection",
        "kind",
        "theme",
        "force_progress",
        "inspectorate_status",
        "board",
    ]
    search_fields = ["reference", "text", "section"]
    date_hierarchy = "created_at"
    raw_id_fields = ["supersedes", "cause_of_concern", "judgment"]
    # The board and the inspectorate's view are set on the finding's page, where the
    # rules (same force, every action closed first) are checked and audited.
    readonly_fields = [
        "board",
        "force_progress",
        "inspectorate_status",
        "source_line",
        "created_at",
    ]
    inlines = [ActionInline]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]
