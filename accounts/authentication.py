"""Token authentication for scripts: knox, plus a "last used" date for the tokens page."""

import datetime as dt

from django.utils import timezone
from knox.auth import TokenAuthentication as KnoxTokenAuthentication

# Write "last used" at most this often, so a busy script does not write on every call.
LAST_USED_PRECISION = dt.timedelta(minutes=5)


class TokenAuthentication(KnoxTokenAuthentication):
    """`Authorization: Token <secret>`; expired and revoked tokens answer 401."""

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        return user, token
