"""Token authentication for scripts: knox, plus a "last used" date for the tokens page."""

import datetime as dt

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.exceptions import Throttled

from .throttling import AddressRateThrottle

# Write "last used" at most this often, so a busy script does not write on every call.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <secret>`; expired and revoked tokens answer 401.

    First in DEFAULT_AUTHENTICATION_CLASSES, so it also applies the per-address rate
    limit to every API request before any credentials are checked (accounts.throttling).
    """

    def authenticate(self, request):
        throttle = AddressRateThrottle()
        if not _is_schema_probe(request) and not throttle.allow_request(request, None):
            raise Throttled(wait=throttle.wait())
        return super().authenticate(request)

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token


def _is_schema_probe(request) -> bool:
    """drf-spectacular's fake request while it builds the schema (`check --deploy` runs it,
    possibly before the database and its cache table exist): not traffic to limit."""
    view = (getattr(request, "parser_context", None) or {}).get("view")
    return bool(getattr(view, "swagger_fake_view", False))
