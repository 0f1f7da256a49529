"""Top-level URLs: the front office, the admin back office and authentication."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "PEELtrack back office"
admin.site.site_title = "PEELtrack admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="registration/login.html"),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("peeltrack.api_urls")),
    path("inspections/", include("inspections.urls")),
    path("action-plans/", include("plans.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("governance.urls")),
    path("", include("exports.urls")),
    path("", include("actions.urls")),
]
