"""Back office for actions. Status changes go through Action.apply_update, as in the UI."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from audit.admin import ForceScopedAdmin, ReadOnlyMixin
from audit.models import Event
from inspections.models import Finding

from .models import (
    TRANSITIONS,
    Action,
    Evidence,
    Status,
    Update,
    check_owner,
)


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        if self.value() == "no":
            return queryset.exclude(queryset.overdue_q())
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


class ActionAdminForm(forms.ModelForm):
    """Checks the owner belongs to the force, and refuses a save based on a stale page."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Action
        fields = [
            "finding",
            "title",
            "description",
            "owner",
            "team",
            "priority",
            "start_date",
            "due_date",
            "rag",
            "progress",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version

    def clean(self):
        data = super().clean()
        finding = data.get("finding") or getattr(self.instance, "finding", None)
        if finding is not None:
            try:
                check_owner(data.get("owner"), finding.inspection.force_id)
            except ValidationError as error:
                self.add_error("owner", error.message_dict["owner"])
        expected = data.get("expected_version")
        if self.instance.pk and expected is not None:
            current = Action.objects.filter(pk=self.instance.pk).values_list("version", flat=True)
            if current and current[0] != expected:
                raise ValidationError(
                    "Someone changed this action after you opened it. Open it again to see "
                    "their change, then make yours."
                )
        return data


@admin.register(Action)
class ActionAdmin(ForceScopedAdmin):
    form = ActionAdminForm
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
            editable = {f.name for f in Action._meta.fields}
            fields = {n: form.cleaned_data[n] for n in form.changed_data if n in editable}
            expected = form.cleaned_data.get("expected_version")
            obj.refresh_from_db()
            obj.edit(by=request.user, changes=fields, expected_version=expected)
        else:
            with transaction.atomic():
                admin.ModelAdmin.save_model(self, request, obj, form, change)
                Event.record(
                    request.user, "action.create", obj, summary="Action raised (back office)"
                )
                obj.finding_refresh_progress()


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


# A finding's back-office page lists its actions, so it is registered here, above both.
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
        "origin",
        "source",
        "source_line",
        "national_recommendation",
        "created_at",
    ]
    inlines = [ActionInline]

    def save_model(self, request, obj, form, change):
        # A back-office edit is a new version: a page opened before it refuses a stale save.
        if change:
            obj.version += 1
        super().save_model(request, obj, form, change)

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]


__all__ = ["ActionAdmin", "Status"]
