"""Back office for people and access: forces, boards, memberships and API tokens.

Forces and boards sit below the audit trail, so their audited back-office pages are
registered here, with the people who fill them.
"""

from django.contrib import admin
from django.db import transaction
from knox.models import AuthToken

from audit.admin import AuditedAdmin, ForceScopedAdmin
from audit.models import Event
from forces.models import Board, Force, Membership

from .models import ApiToken

# Knox registers its own token model, which PEELtrack swaps for ApiToken.
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "hint", "created", "expiry", "last_used_at"]
    list_filter = ["expiry"]
    search_fields = ["name", "user__username", "token_key"]
    fields = ["name", "user", "hint", "created", "expiry", "last_used_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @transaction.atomic
    def delete_model(self, request, obj):
        Event.record(request.user, "token.revoke", obj, summary=f"API token revoked: {obj.name}")
        obj.delete()

    def delete_queryset(self, request, queryset):
        for token in queryset:
            self.delete_model(request, token)


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


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ["user", "force", "role", "team"]
    list_filter = ["force", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team"]
