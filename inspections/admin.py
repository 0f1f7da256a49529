"""Back office for forces, inspections, judgments and findings."""

from django.contrib import admin

from actions.models import Action

from .models import Board, Finding, Force, Inspection, Judgment


class ForceScopedAdmin(admin.ModelAdmin):
    """Staff who are not superusers see only their own forces' rows."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset if request.user.is_superuser else queryset.visible_to(request.user)


@admin.register(Force)
class ForceAdmin(admin.ModelAdmin):
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
class JudgmentAdmin(admin.ModelAdmin):
    list_display = ["inspection", "pillar", "question", "grade", "last_inspected"]
    list_filter = ["inspection__force", "inspection", "pillar", "grade"]
    search_fields = ["question"]


class ActionInline(admin.TabularInline):
    model = Action
    extra = 0
    fields = ["title", "owner", "status", "due_date", "rag", "progress"]
    readonly_fields = ["status"]
    show_change_link = True


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
    readonly_fields = ["force_progress", "source_line", "created_at"]
    inlines = [ActionInline]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text[:100]
