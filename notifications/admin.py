"""Back office: each force's reminder rules; notifications and preferences to inspect."""

from django.contrib import admin

from audit.admin import AuditedAdmin
from forces.models import Force
from forces.roles import force_ids_for

from .models import Notification, Preference, ReminderRules


class ForceRowsAdmin(admin.ModelAdmin):
    """Staff who are not superusers see only their own forces' rows."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        forces = force_ids_for(request.user)
        return queryset if forces is None else queryset.filter(force_id__in=forces)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        forces = force_ids_for(request.user)
        if db_field.name == "force" and forces is not None:
            kwargs["queryset"] = Force.objects.filter(pk__in=forces)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ReminderRules)
class ReminderRulesAdmin(AuditedAdmin, ForceRowsAdmin):
    list_display = [
        "force",
        "due_reminder_days",
        "overdue_repeat_days",
        "stale_after_days",
        "update_request_day",
        "escalate_overdue_after_days",
        "escalate_stale_after_days",
        "meeting_digest_days",
    ]
    fieldsets = [
        (None, {"fields": ["force"]}),
        (
            "Reminders to the owner",
            {
                "fields": [
                    "due_reminder_days",
                    "overdue_repeat_days",
                    "stale_after_days",
                    "update_request_day",
                ]
            },
        ),
        (
            "Escalation to the coordinators and the overseeing board",
            {"fields": ["escalate_overdue_after_days", "escalate_stale_after_days"]},
        ),
        ("Board members", {"fields": ["meeting_digest_days"]}),
    ]


@admin.register(Notification)
class NotificationAdmin(ForceRowsAdmin):
    list_display = ["created_at", "recipient", "rule", "channel", "status", "attempts", "subject"]
    list_filter = ["force", "rule", "channel", "status", "in_digest"]
    search_fields = ["subject", "recipient__username", "recipient__email", "dedupe_key"]
    date_hierarchy = "created_at"
    raw_id_fields = ["recipient", "action", "meeting"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    # The record of what was sent is kept as it was.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Preference)
class PreferenceAdmin(AuditedAdmin):
    list_display = ["user", "email", "updated_at"]
    list_filter = ["email"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
