"""Back office: imported action plans, to read. They are changed only by uploading again."""

from django.contrib import admin

from audit.admin import AuditedAdmin, ReadOnlyMixin
from forces.roles import force_ids_for

from .models import PlanMapping, PlanUpload


@admin.register(PlanUpload)
class PlanUploadAdmin(ReadOnlyMixin, AuditedAdmin):
    list_display = ["name", "force", "uploaded_by", "uploaded_at", "sha256"]
    list_filter = ["force"]
    search_fields = ["name", "sha256"]
    date_hierarchy = "uploaded_at"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        forces = force_ids_for(request.user)
        return queryset if forces is None else queryset.filter(force_id__in=forces)


@admin.register(PlanMapping)
class PlanMappingAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["force", "updated_by", "updated_at"]
