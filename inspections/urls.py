from django.urls import path

from . import manual_views, national_views, views

app_name = "inspections"

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="preview"),
    path("new/", manual_views.inspection_add, name="add"),
    path("<int:pk>/edit/", manual_views.inspection_edit, name="edit"),
    path("<int:pk>/sources/new/", manual_views.source_add, name="source_add"),
    path("<int:pk>/findings/new/", manual_views.finding_add, name="finding_add"),
    path("sources/<int:pk>/", manual_views.source_download, name="source"),
    path("findings/<int:pk>/edit/", manual_views.finding_edit, name="finding_edit"),
    path("findings/<int:pk>/withdraw/", manual_views.finding_withdraw, name="finding_withdraw"),
    path("findings/<int:pk>/reinstate/", manual_views.finding_reinstate, name="finding_reinstate"),
    path("national/", national_views.national_list, name="national_list"),
    path("national/new/", national_views.national_create, name="national_create"),
    path("national/import/", national_views.national_import, name="national_import"),
    path("national/import/preview/", national_views.national_preview, name="national_preview"),
    path("national/<int:pk>/", national_views.national_detail, name="national"),
    path(
        "national/<int:pk>/recommendations/new/",
        national_views.national_recommendation_add_view,
        name="national_add",
    ),
]
