"""The REST API (/api/v1/), its OpenAPI schema and docs, and the API tokens page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from actions.api import views as actions_api
from api import views as api_views
from inspections import api as inspections_api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("forces", inspections_api.ForceViewSet, basename="force")
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")
router.register("judgments", inspections_api.JudgmentViewSet, basename="judgment")
router.register("findings", inspections_api.FindingViewSet, basename="finding")
router.register("boards", inspections_api.BoardViewSet, basename="board")
router.register("meetings", actions_api.MeetingViewSet, basename="meeting")
router.register("people", actions_api.PersonViewSet, basename="person")
router.register("actions", actions_api.ActionViewSet, basename="action")
router.register("updates", actions_api.UpdateViewSet, basename="update")
router.register("evidence", actions_api.EvidenceViewSet, basename="evidence")
router.register("decisions", actions_api.DecisionViewSet, basename="decision")
router.register(
    "extension-requests", actions_api.ExtensionRequestViewSet, basename="extension-request"
)
router.register("events", actions_api.EventViewSet, basename="event")
router.register("tokens", api_views.TokenViewSet, basename="token")

v1 = [path("me/", api_views.MeView.as_view(), name="me"), *router.urls]

urlpatterns = [
    path("api/v1/", include((v1, "api-v1"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Both need a signed-in user (SERVE_PERMISSIONS); the docs page, for browsers, sends
    # a visitor to sign in first rather than answering 401.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/tokens/", api_views.tokens, name="api-tokens"),
    path("api/tokens/<int:pk>/revoke/", api_views.token_revoke_view, name="api-token-revoke"),
    # Anything else under /api/ answers in the API's JSON error shape, not an HTML page.
    re_path(r"^api/", api_views.not_found),
]
