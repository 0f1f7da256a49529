from django.urls import path, re_path

from . import views

app_name = "exports"

urlpatterns = [
    re_path(
        r"^exports/(?P<resource>actions|findings|updates|decisions|events)\.(?P<fmt>csv|xlsx)$",
        views.export,
        name="export",
    ),
    path("packs/inspection/<int:pk>.zip", views.inspection_pack, name="inspection_pack"),
    path("packs/finding/<int:pk>.zip", views.finding_pack, name="finding_pack"),
    path("packs/actions.zip", views.actions_pack, name="actions_pack"),
    path("inspections/<int:pk>/report/", views.progress_report, name="report"),
    path("inspections/<int:pk>/report.pdf", views.progress_report_pdf, name="report_pdf"),
    path("audit/", views.audit_events, name="audit"),
    path("audit/verify/", views.audit_verify, name="audit_verify"),
    path("audit/anchors.csv", views.audit_anchors, name="audit_anchors"),
    path("audit/signing-key/", views.signing_key, name="signing_key"),
    path("audit/signing-key.pem", views.signing_key_pem, name="signing_key_pem"),
]
