"""Back office for inspections and judgments (findings are in actions.admin, with their actions)."""

from django.contrib import admin

from audit.admin import AuditedAdmin, ForceScopedAdmin

from .models import Inspection, InspectionSource, Judgment, NationalRecommendation, NationalReport


class JudgmentInline(admin.TabularInline):
    model = Judgment
    extra = 0
    fields = ["order", "pillar", "question", "grade", "last_inspected"]


class SourceInline(admin.TabularInline):
    """Source documents are kept as they came in: listed, never changed or removed."""

    model = InspectionSource
    fk_name = "inspection"
    extra = 0
    can_delete = False
    fields = ["name", "kind", "format", "size", "sha256", "added_by", "added_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ForceScopedAdmin):
    list_display = ["__str__", "force", "kind", "programme", "published", "response_due"]
    list_filter = ["force", "kind", "programme"]
    search_fields = ["programme", "title", "force__name"]
    date_hierarchy = "published"
    readonly_fields = ["created_at", "imported_by", "national_report"]
    inlines = [SourceInline, JudgmentInline]

    @admin.display(description="PCC response due")
    def response_due(self, obj):
        return obj.response_due


@admin.register(Judgment)
class JudgmentAdmin(AuditedAdmin):
    list_display = ["inspection", "pillar", "question", "grade", "last_inspected"]
    list_filter = ["inspection__force", "inspection", "pillar", "grade"]
    search_fields = ["question"]


class NationalRecommendationInline(admin.TabularInline):
    model = NationalRecommendation
    extra = 0
    can_delete = False
    fields = ["reference", "text", "timescale"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(NationalReport)
class NationalReportAdmin(AuditedAdmin):
    """National reports are imported on their own page, which gives every force its copy;
    here they are read, and their name and date corrected."""

    list_display = ["programme", "title", "published", "addressed_to"]
    search_fields = ["programme", "title"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [NationalRecommendationInline]

    def has_add_permission(self, request):
        return False
