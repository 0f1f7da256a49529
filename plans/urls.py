from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_upload, name="upload"),
    path("columns/", views.plan_mapping, name="mapping"),
    path("check/", views.plan_preview, name="preview"),
    path("template/", views.plan_template, name="template"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/file/", views.plan_file, name="file"),
]
