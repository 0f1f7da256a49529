"""Back office for people and access: users, forces, boards, memberships, API tokens
and access requests.

Forces and boards sit below the audit trail, so their audited back-office pages are
registered here, with the people who fill them. Changes to users, memberships and board
seats are audited by accounts.receivers (whatever page makes them), so their pages here
record nothing themselves.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from knox.models import AuthToken

from audit.admin import AuditedAdmin, ForceScopedAdmin
from audit.models import Event
from forces.models import Board, Force, Membership

from .models import AccessRequest, ApiToken

User = get_user_model()

# Only a superuser makes superusers or staff, or changes what staff may do: staff who
# may edit users (to fix a name, say) cannot raise anyone, themselves included.
RIGHTS_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")

if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in RIGHTS_FIELDS if f not in fields]
        return fields

    def has_change_permission(self, request, obj=None):
        # Nor may they edit a superuser (their email, say, then reset the password).
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    """Decided on the People pages; here to read, or for a request that names no force."""

    list_display = ["user", "force", "provider", "requested_at", "state", "decided_by"]
    list_filter = ["state", "force"]
    search_fields = ["user__username", "user__email"]
    readonly_fields = ["user", "force", "provider", "requested_at", "decided_by", "decided_at"]


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
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "force", "role", "team"]
    list_filter = ["force", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "team"]
