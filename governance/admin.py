"""Back office for board meetings, decisions and extension requests (decisions are read-only)."""

from django.contrib import admin

from audit.admin import AuditedAdmin, ReadOnlyMixin

from .models import Decision, ExtensionRequest, Meeting


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
class MeetingAdmin(AuditedAdmin):
    list_display = ["__str__", "board", "date"]
    list_filter = ["board__force", "board"]
    date_hierarchy = "date"
