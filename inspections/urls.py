from django.urls import path

from . import views

app_name = "inspections"

urlpatterns = [
    path("import/", views.import_upload, name="import"),
    path("import/preview/", views.import_preview, name="preview"),
]
