"""The API's rate limits, kept in the cache (settings.CACHES), answered with 429 and
Retry-After.

- Per address (API_RATE_PER_ADDRESS): every API request, signed in or not, counted before
  any credentials are checked, so guessing tokens is slowed as much as using them. It
  is generous because a whole force may reach the API through one proxy address.
- Per token (API_RATE_PER_TOKEN): each API token has its own allowance (a script cannot
  starve its owner's other scripts); a browser session counts against its user.
Rates read the settings on each request, so they can be changed in tests.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from .clients import client_ip


class _SettingsRate(SimpleRateThrottle):
    setting = ""

    def get_rate(self):
        return getattr(settings, self.setting)


class AddressRateThrottle(_SettingsRate):
    scope = "address"
    setting = "API_RATE_PER_ADDRESS"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}


class TokenRateThrottle(_SettingsRate):
    scope = "token"
    setting = "API_RATE_PER_TOKEN"

    def get_cache_key(self, request, view):
        from .models import ApiToken

        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
