"""PEELtrack's URLs plus views that fail on purpose, for the error-page tests."""

from django.db import OperationalError
from django.urls import path
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny

from peeltrack.urls import *  # noqa: F403  (the handlers too)
from peeltrack.urls import urlpatterns as peeltrack_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


def outage(request):
    raise OperationalError("could not connect to server")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_boom(request):
    raise RuntimeError("a bug")


@api_view(["GET"])
@permission_classes([AllowAny])
def api_outage(request):
    raise OperationalError("could not connect to server")


urlpatterns = [
    path("boom/", boom),
    path("outage/", outage),
    path("api/v1/boom/", api_boom),
    path("api/v1/outage/", api_outage),
    *peeltrack_urlpatterns,
]
