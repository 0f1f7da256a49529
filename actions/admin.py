"""Back office for actions. Status changes go through Action.apply_update, as in the UI."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from inspections.admin import ForceScopedAdmin

from .models import (
    TRANSITIONS,
    Action,
    Decision,
    Event,
    Evidence,
    ExtensionRequest,
    Meeting,
    Membership,
    Status,
    Update,
)


class ReadOnlyMixin:
    """Records written by the workflow; the back office reads them but never edits them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "force", "role", "team"]
    list_filter = ["force", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team"]


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.overdue().values("pk"))
        return queryset


class UpdateInline(admin.TabularInline):
    model = Update
    extra = 0
    can_delete = False
    fields = ["created_at", "author", "note", "status_before", "status_after", "progress", "rag"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EvidenceInline(admin.TabularInline):
    model = Evidence
    fk_name = "action"
    extra = 0
    can_delete = False
    fields = ["kind", "original_name", "url", "description", "marking", "sha256", "uploaded_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


def _bulk_transition(name):
    transition = TRANSITIONS[name]

    @admin.action(description=f"{transition.label} (selected actions)")
    def run(modeladmin, request, queryset):
        done, refused = 0, []
        for action in queryset.select_related("finding__inspection"):
            try:
                action.apply_update(
                    by=request.user, note=f"{transition.label} (bulk, back office)", transition=name
                )
                done += 1
            except (ValidationError, PermissionDenied) as error:
                reason = "; ".join(getattr(error, "messages", [str(error)]))
                refused.append(f"{action}: {reason}")
        if done:
            modeladmin.message_user(request, f"{transition.label}: {done} action(s) changed.")
        for line in refused:
            modeladmin.message_user(request, line, level=messages.WARNING)

    run.__name__ = f"bulk_{name}"
    return run


@admin.register(Action)
class ActionAdmin(ForceScopedAdmin):
    list_display = ["title", "finding", "owner", "status", "rag", "due_date", "progress"]
    list_filter = [
        "finding__inspection__force",
        "finding__inspection",
        "finding__kind",
        "status",
        "rag",
        "owner",
        OverdueFilter,
    ]
    search_fields = ["title", "description", "finding__text", "finding__reference"]
    date_hierarchy = "due_date"
    raw_id_fields = ["finding", "owner"]
    readonly_fields = [
        "status",
        "original_due_date",
        "closed_date",
        "closing_summary",
        "hold_reason",
        "created_at",
        "updated_at",
        "last_update_at",
        "version",
    ]
    inlines = [UpdateInline, EvidenceInline]
    actions = [_bulk_transition(name) for name in TRANSITIONS]

    def get_readonly_fields(self, request, obj=None):
        # Progress and RAG move only through updates, so they carry a note.
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "finding", "rag", "progress"]

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Edits through the admin are audited like edits anywhere else.
        if change:
            fields = {name: form.cleaned_data[name] for name in form.changed_data}
            obj.refresh_from_db()
            obj.edit(by=request.user, changes=fields)
        else:
            super().save_model(request, obj, form, change)
            Event.record(request.user, "action.create", obj, summary="Action raised (back office)")


@admin.register(Update)
class UpdateAdmin(ReadOnlyMixin, admin.ModelAdmin):
    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(action__in=Action.objects.visible_to(request.user))

    list_display = ["action", "author", "created_at", "status_before", "status_after", "progress"]
    list_filter = ["action__finding__inspection__force", "status_after"]
    search_fields = ["note", "action__title"]
    date_hierarchy = "created_at"


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyMixin, ForceScopedAdmin):
    list_display = ["__str__", "action", "kind", "marking", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["action__finding__inspection__force", "kind", "marking", "content_type"]
    search_fields = ["original_name", "description", "sha256", "url"]
    date_hierarchy = "uploaded_at"


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, ForceScopedAdmin):
    list_display = ["created_at", "actor", "verb", "object_repr", "summary"]
    list_filter = ["force", "verb", "object_type"]
    search_fields = ["object_repr", "summary", "actor__username"]
    date_hierarchy = "created_at"


@admin.register(Decision)
class DecisionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["action", "outcome", "board", "decided_by", "decided_at", "meeting"]
    list_filter = ["action__finding__inspection__force", "outcome", "board"]
    search_fields = ["action__title", "rationale"]
    date_hierarchy = "decided_at"


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "action",
        "requested_by",
        "current_due_date",
        "requested_due_date",
        "state",
        "decided_by",
    ]
    list_filter = ["action__finding__inspection__force", "state"]
    search_fields = ["action__title", "reason", "rationale"]
    date_hierarchy = "requested_at"


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["__str__", "board", "date"]
    list_filter = ["board__force", "board"]
    date_hierarchy = "date"


__all__ = ["ActionAdmin", "Status"]
