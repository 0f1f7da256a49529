"""Security headers: a Content-Security-Policy with no inline script, Permissions-Policy,
and nothing a signed-in user sees (or the API answers) kept in a cache."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import EvidenceFactory

pytestmark = pytest.mark.django_db
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    return {
        part.split()[0]: part.split()[1:]
        for part in response["Content-Security-Policy"].split(";")
        if part.strip()
    }


def test_every_page_has_a_policy_that_allows_no_inline_script(client, owner, action):
    client.force_login(owner)
    for url in (
        reverse("account_login"),
        reverse("actions:home"),
        reverse("actions:detail", args=[action.pk]),
    ):
        policy = _policy(client.get(url))
        assert policy["script-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in sum(policy.values(), [])
        assert "'unsafe-eval'" not in sum(policy.values(), [])


def test_no_template_has_an_inline_script():
    # Scripts are files in static/js/ (allowed by script-src 'self'); an inline <script>
    # would be refused by browsers. Emails may style inline: they are not served pages.
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", path.read_text()):
            if "src=" not in tag:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {tag}")
    assert offenders == []


def test_no_rendered_page_has_inline_script_or_handlers(client, coordinator, action, board):
    client.force_login(coordinator)
    pages = [
        reverse("actions:home"),
        reverse("governance:dashboard"),
        reverse("account-security"),
        reverse("api-docs"),
        "/admin/",
    ]
    for url in pages:
        html = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\son(click|load|submit|change)=", html), url


def test_permissions_policy_turns_off_what_the_app_never_uses(client):
    policy = client.get(reverse("account_login"))["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy


def test_signed_in_pages_are_never_cached(client, owner, action):
    client.force_login(owner)
    for url in (reverse("actions:home"), reverse("actions:detail", args=[action.pk])):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_api_answers_are_never_cached_even_refusals(client, owner, action):
    assert "no-store" in client.get("/api/v1/actions/")["Cache-Control"]  # 401
    client.force_login(owner)
    assert "no-store" in client.get("/api/v1/actions/")["Cache-Control"]


def test_evidence_downloads_are_never_cached(client, owner, action):
    evidence = EvidenceFactory(action=action)
    client.force_login(owner)
    response = client.get(reverse("actions:evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_the_sign_in_service_may_receive_the_sign_in_form():
    # The single sign-on button's form redirects to the provider: form-action allows it.
    import os
    import subprocess
    import sys

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='peeltrack.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action']))"
    )
    env = {
        **os.environ,
        "OIDC_SERVER_URL": "https://login.microsoftonline.com/tenant/v2.0",
        "CSP_FORM_ACTION": "https://idp.example.org",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=TEMPLATES.parent, env=env, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    assert result.stdout.split() == [
        "'self'",
        "https://login.microsoftonline.com",
        "https://idp.example.org",
    ]
