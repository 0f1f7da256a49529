"""Back office for inspections and judgments (findings are in actions.admin, with their actions)."""

from django.contrib import admin

from audit.admin import AuditedAdmin, ForceScopedAdmin

from .models import Inspection, Judgment


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
