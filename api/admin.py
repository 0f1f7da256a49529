"""Back office: see and revoke API tokens (never make them: users make their own)."""

from django.contrib import admin
from django.db import transaction
from knox.models import AuthToken

from actions.models import Event

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
