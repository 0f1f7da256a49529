from django.urls import path, re_path

from . import audit_views, governance, views

app_name = "actions"

urlpatterns = [
    path("", views.home, name="home"),
    path("actions/", views.action_list, name="list"),
    path("actions/<int:pk>/", views.action_detail, name="detail"),
    path("actions/<int:pk>/update/", views.action_update, name="update"),
    path("actions/<int:pk>/edit/", views.action_edit, name="edit"),
    path("actions/<int:pk>/evidence/", views.evidence_create, name="evidence_add"),
    path("evidence/<int:pk>/download/", views.evidence_download, name="evidence_download"),
    path("findings/unallocated/", views.findings_unallocated, name="unallocated"),
    path("findings/<int:pk>/", views.finding_detail, name="finding"),
    path("findings/<int:pk>/actions/new/", views.action_create, name="create"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("review/", governance.review, name="review"),
    path("actions/<int:pk>/decide/", governance.decide, name="decide"),
    path("actions/<int:pk>/extension/", governance.extension_new, name="extension"),
    path("extensions/<int:pk>/decide/", governance.extension_decision, name="extension_decide"),
    path("boards/", governance.board_list, name="boards"),
    path("boards/<int:pk>/", governance.board_detail, name="board"),
    path("meetings/<int:pk>/", governance.meeting_pack, name="meeting"),
    path("findings/<int:pk>/oversight/", governance.finding_oversight, name="oversight"),
    path("dashboard/", governance.dashboard, name="dashboard"),
    re_path(
        r"^exports/(?P<resource>actions|findings|updates|decisions|events)\.(?P<fmt>csv|xlsx)$",
        audit_views.export,
        name="export",
    ),
    path("packs/inspection/<int:pk>.zip", audit_views.inspection_pack, name="inspection_pack"),
    path("packs/finding/<int:pk>.zip", audit_views.finding_pack, name="finding_pack"),
    path("packs/actions.zip", audit_views.actions_pack, name="actions_pack"),
    path("inspections/<int:pk>/report/", audit_views.progress_report, name="report"),
    path("inspections/<int:pk>/report.pdf", audit_views.progress_report_pdf, name="report_pdf"),
    path("audit/", audit_views.audit_events, name="audit"),
]
