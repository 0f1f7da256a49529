"""Top-level URLs: the front office, the admin back office and authentication."""

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.http import Http404
from django.urls import include, path
from django.views.generic import RedirectView

from notifications.calendar import feed as calendar_feed

admin.site.site_header = "PEELtrack back office"
admin.site.site_title = "PEELtrack admin"
# The back office signs in through the same page as everyone else, with its lockout,
# rate limits and two-factor, never through the admin's own login form.
admin.site.login = secure_admin_login(admin.site.login)


def not_offered(request, *args, **kwargs):
    """allauth pages PEELtrack does not offer: people do not sign themselves up, manage
    their own email addresses, link other sign-in accounts or give a single sign-on
    account a password (that would be a way round the force's sign-in policy)."""
    raise Http404


urlpatterns = [
    # Signing out is a POST (a link must not sign anyone out). Opened in a browser, these
    # addresses go to allauth's page, which asks "Sign out of PEELtrack?" with a button.
    path("admin/logout/", RedirectView.as_view(pattern_name="account_logout")),
    path("admin/", admin.site.urls),
    path("login/", RedirectView.as_view(pattern_name="account_login", query_string=True)),
    path("logout/", RedirectView.as_view(pattern_name="account_logout")),
    path("accounts/signup/", not_offered),
    path("accounts/email/", not_offered),
    path("accounts/3rdparty/", not_offered),
    path("accounts/password/set/", not_offered),
    path("accounts/sessions/", RedirectView.as_view(pattern_name="account-security")),
    path("accounts/", include("allauth.urls")),
    path("", include(("accounts.people_urls", "accounts"))),
    path("", include("peeltrack.api_urls")),
    path("inspections/", include("inspections.urls")),
    path("action-plans/", include("plans.urls")),
    path("notifications/", include("notifications.urls")),
    # A calendar program fetches this with no session: the secret token is the key.
    path("calendar/<str:token>.ics", calendar_feed, name="calendar-feed"),
    path("", include("governance.urls")),
    path("", include("exports.urls")),
    path("", include("actions.urls")),
]

# Our own error pages (templates/4xx.html, 5xx.html); JSON under /api/ (peeltrack/errors.py).
handler400 = "peeltrack.errors.bad_request"
handler403 = "peeltrack.errors.permission_denied"
handler404 = "peeltrack.errors.page_not_found"
handler500 = "peeltrack.errors.server_error"
