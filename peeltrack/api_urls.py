"""The REST API (/api/v1/), its OpenAPI schema and docs, and the API tokens page."""

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from accounts import views as accounts_views
from actions.api import views as actions_api
from api import views as api_views
from exports import api as exports_api
from forces import api as forces_api
from governance import api as governance_api
from inspections import api as inspections_api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("forces", forces_api.ForceViewSet, basename="force")
router.register("inspections", inspections_api.InspectionViewSet, basename="inspection")
router.register("judgments", inspections_api.JudgmentViewSet, basename="judgment")
router.register("findings", inspections_api.FindingViewSet, basename="finding")
router.register("boards", forces_api.BoardViewSet, basename="board")
router.register("meetings", governance_api.MeetingViewSet, basename="meeting")
router.register("people", forces_api.PersonViewSet, basename="person")
# Governance's ActionViewSet: the actions endpoint with the board's moves added.
router.register("actions", governance_api.ActionViewSet, basename="action")
router.register("updates", actions_api.UpdateViewSet, basename="update")
router.register("evidence", actions_api.EvidenceViewSet, basename="evidence")
router.register("decisions", governance_api.DecisionViewSet, basename="decision")
router.register(
    "extension-requests", governance_api.ExtensionRequestViewSet, basename="extension-request"
)
router.register("events", exports_api.EventViewSet, basename="event")
router.register("tokens", accounts_views.TokenViewSet, basename="token")

v1 = [path("me/", accounts_views.MeView.as_view(), name="me"), *router.urls]

urlpatterns = [
    path("api/v1/", include((v1, "api-v1"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Both need a signed-in user (SERVE_PERMISSIONS); the docs page, for browsers, sends
    # a visitor to sign in first rather than answering 401. The split view serves its
    # script as a file, so the Content-Security-Policy needs no inline script.
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("", include("accounts.urls")),
    # Anything else under /api/ answers in the API's JSON error shape, not an HTML page.
    re_path(r"^api/", api_views.not_found),
]
