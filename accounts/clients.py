"""Who is on the other end of a request: their address and the account they tried.

One place, so the lockout (axes), the sign-in rate limits (allauth), the API's rate
limits and the audit trail all count the same address.
"""

from django.conf import settings


def client_ip(request) -> str:
    """REMOTE_ADDR, or the address TRUSTED_PROXY_COUNT proxies back in X-Forwarded-For.

    X-Forwarded-For is only believed as far as our own proxies write it: a client can put
    anything at its start, so the address is counted from the right.
    """
    if request is None:
        return ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return (request.META.get("REMOTE_ADDR") or "")[:45]


def axes_client_ip(request) -> str:
    return client_ip(request) or "0.0.0.0"  # noqa: S104 (a placeholder, not a bind address)


def username_tried(request, credentials) -> str | None:
    """The account a sign-in attempt was for, however the form named it.

    allauth's form posts `login` and passes `username` or `email` to authenticate().
    Lower-cased, so `Owner` and `owner` share one count of failures.
    """
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        value = request.POST.get("login") or request.POST.get("username")
    return value.strip().lower()[:150] if value else None


def user_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:200]
