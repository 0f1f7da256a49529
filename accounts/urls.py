from django.urls import path

from . import views

urlpatterns = [
    path("api/tokens/", views.tokens, name="api-tokens"),
    path("api/tokens/<int:pk>/revoke/", views.token_revoke_view, name="api-token-revoke"),
    path("account/", views.security, name="account-security"),
    path("session/", views.session_status, name="session-status"),
]
