"""Request-wide rules of identity and access (in settings.MIDDLEWARE, in this order).

- RequestContextMiddleware: remembers the request, so model signals know who acted.
- SessionTimeoutMiddleware: signs out after the idle and absolute limits.
- RequireTwoFactorMiddleware: people who must use two-factor set it up before anything else.
- RefusalAuditMiddleware: every 403 answered to a signed-in user goes in the audit trail.
- NoStoreMiddleware: nothing a signed-in user sees, and no API answer, is cached.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode

from forces.roles import needs_two_factor

from . import context, sessions
from .security import record

# The API and its schema answer in JSON (the API tokens page under /api/tokens/ is a page).
API_PREFIXES = ("/api/v1/", "/api/schema/")


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIXES)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with context.serving(request):
            return self.get_response(request)


TIMEOUT_MESSAGES = {
    sessions.IDLE: "You were signed out because you did nothing for {minutes} minutes. "
    "Sign in again to carry on.",
    sessions.ABSOLUTE: "You were signed out because you had been signed in for {hours} "
    "hours. Sign in again to carry on.",
}


class SessionTimeoutMiddleware:
    """Ends a session idle for SESSION_IDLE_TIMEOUT, or older than SESSION_ABSOLUTE_TIMEOUT.

    Activity is stamped in the session at most once a minute, so most requests write
    nothing. The session status endpoint reads the clock without counting as activity.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is None or not request.user.is_authenticated:
            return self.get_response(request)
        reason = sessions.expiry_reason(session)
        if reason is not None:
            return self._sign_out(request, reason)
        if request.path != reverse("session-status") or request.method == "POST":
            sessions.touch(session)
        return self.get_response(request)

    def _sign_out(self, request, reason):
        request.peeltrack_signout_reason = reason
        logout(request)
        text = TIMEOUT_MESSAGES[reason].format(
            minutes=settings.SESSION_IDLE_TIMEOUT // 60,
            hours=settings.SESSION_ABSOLUTE_TIMEOUT // 3600,
        )
        if _is_api(request) or request.path == reverse("session-status"):
            messages.info(request, text)
            return JsonResponse(
                {"status": 401, "code": "session_expired", "detail": text}, status=401
            )
        messages.info(request, text)
        login = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login += "?" + urlencode({"next": request.get_full_path()})
        return redirect(login)


def _two_factor_done(request) -> bool:
    from allauth.account.authentication import get_authentication_records

    if request.session.get("peeltrack_2fa_ok"):
        return True
    methods = {r.get("method") for r in get_authentication_records(request, request.user)}
    # A TOTP or recovery code at sign-in; or single sign-on, where the force's identity
    # provider applies its own multi-factor policy (see README).
    done = bool(methods & {"mfa", "socialaccount"})
    if done:
        request.session["peeltrack_2fa_ok"] = True
    return done


# Where someone who must set up two-factor may still go.
TWO_FACTOR_SETUP_ROUTES = {
    "mfa_activate_totp",
    "mfa_reauthenticate",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_download_recovery_codes",
    "account_reauthenticate",
    "account_logout",
    "session-status",
}


class RequireTwoFactorMiddleware:
    """Coordinators, auditors, people managers, staff and superusers who signed in with
    a password set up two-factor before anything else, unless REQUIRE_2FA is off."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.REQUIRE_2FA
            and request.user.is_authenticated
            and not _two_factor_done(request)
            and needs_two_factor(request.user)
        ):
            # Middleware runs before the URL is resolved: resolve it to name the page.
            try:
                route = resolve(request.path_info).url_name
            except Resolver404:
                route = None
            if route not in TWO_FACTOR_SETUP_ROUTES:
                return self._refuse(request)
        return self.get_response(request)

    def _refuse(self, request):
        text = (
            "Your role needs two-factor authentication. Set it up now: it takes a minute "
            "with an authenticator app on your phone."
        )
        if _is_api(request):
            return JsonResponse(
                {"status": 403, "code": "two_factor_required", "detail": text}, status=403
            )
        from allauth.mfa.utils import is_mfa_enabled

        if is_mfa_enabled(request.user):
            # Set up already, in another session: enter a code here too.
            target = (
                reverse("mfa_reauthenticate") + "?" + urlencode({"next": request.get_full_path()})
            )
            return redirect(target)
        messages.info(request, text)
        return redirect("mfa_activate_totp")


class RefusalAuditMiddleware:
    """Records each 403 a signed-in user gets: who, what they asked for, not what they sent.

    Only signed-in users' refusals are recorded (an anonymous 403 is a failed CSRF check
    on a public form, which anyone could repeat to fill the trail). The response is
    unchanged: the event says nothing more to the user than the 403 already did.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                match = getattr(request, "resolver_match", None)
                record(
                    user,
                    "access.refuse",
                    user,
                    summary=f"Refused: {request.method} {request.path}"[:300],
                    request=request,
                    method=request.method,
                    path=request.path[:500],
                    route=match.view_name if match is not None else "",
                )
        return response


class NoStoreMiddleware:
    """Signed-in pages, API answers and downloads are never kept by browsers or proxies."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if _is_api(request) or (user is not None and user.is_authenticated):
            # max-age=0, no-cache, no-store, must-revalidate, private
            add_never_cache_headers(response)
        return response
