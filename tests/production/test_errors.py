"""PEELtrack's own error pages, the API's JSON shape for errors, and 503 in an outage."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.test_settings import PRODUCTION

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def failing(settings, client):
    settings.ROOT_URLCONF = "tests.production.urls"
    client.raise_request_exception = False
    return client


def test_a_missing_page_is_ours_and_reads_nothing_from_the_database(
    client, owner, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    # Signed in, the sign-in middleware reads the session and the user before the address
    # is resolved (timeouts, two-factor); the page itself still reads nothing.
    client.force_login(owner)
    with django_assert_num_queries(2):
        response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in response.text
    assert "Page not found – PEELtrack" in response.text


def test_a_refusal_is_ours_and_gives_the_reason(client, owner):
    client.force_login(owner)
    response = client.get(reverse("inspections:import"))
    assert response.status_code == 403
    assert "You cannot do this" in response.text
    assert "ask your force" in response.text


def test_a_server_error_is_ours_with_a_reference_to_quote(failing):
    response = failing.get("/boom/")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert response["X-Request-ID"] in response.text
    assert "a bug" not in response.text  # never the exception


def test_an_api_server_error_keeps_the_json_shape(failing):
    response = failing.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "detail": response.json()["detail"],
        "request_id": response["X-Request-ID"],
    }
    assert "a bug" not in response.text


def test_a_database_outage_answers_503_with_retry_after(failing):
    page = failing.get("/outage/")
    assert page.status_code == 503
    assert page["Retry-After"] == "30"
    assert "Sorry, the service is unavailable" in page.text
    api = failing.get("/api/v1/outage/")
    assert api.status_code == 503
    assert api["Retry-After"] == "30"
    assert api.json()["code"] == "service_unavailable"


def test_an_unknown_api_address_answers_json(client, owner):
    client.force_login(owner)
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _production_request(script: str) -> subprocess.CompletedProcess:
    """Run script in a production-configured Django whose database is down (a closed port)."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(PRODUCTION)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "peeltrack.settings",
            "DATABASE_URL": "postgres://peeltrack@127.0.0.1:9/peeltrack",  # nothing listens
            "ALLOWED_HOSTS": "testserver",
            "FILE_STORAGE": "local",
            "MEDIA_ROOT": "/nonexistent/peeltrack-files",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_FORMAT": "json",
        }
    )
    # As a real server would: an exception raised in a middleware becomes the error page
    # (the test client would otherwise raise it again in the test).
    code = (
        "import django; django.setup(); from django.test import Client; "
        "c = Client(raise_request_exception=False); " + script
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_with_the_database_down_production_answers_503_pages_and_api_alike():
    result = _production_request(
        "from django.conf import settings; c.cookies[settings.SESSION_COOKIE_NAME] = 'x' * 32; "
        "page = c.get('/'); api = c.get('/api/v1/actions/'); "
        "print(page.status_code, page['Retry-After'], 'unavailable' in page.text); "
        "print(api.status_code, api['Retry-After'], api.json()['code'])"
    )
    assert result.returncode == 0, result.stderr
    page, api = result.stdout.split("\n")[:2]
    assert page == "503 30 True"
    assert api == "503 30 service_unavailable"
    assert "Database unavailable (OperationalError)" in result.stderr


def test_with_the_database_down_readyz_says_so_and_healthz_does_not():
    result = _production_request(
        "r = c.get('/readyz'); h = c.get('/healthz'); "
        "print(r.status_code, r.json(), r['Retry-After']); print(h.status_code, h.json())"
    )
    assert result.returncode == 0, result.stderr
    ready, live = result.stdout.split("\n")[:2]
    assert ready == "503 {'status': 'unavailable', 'failing': ['database']} 10"
    assert live == "200 {'status': 'ok'}"


def test_an_expired_form_gets_our_page_saying_what_to_do(owner, action):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    response = client.post(reverse("actions:update", args=[action.pk]), {"note": "Done"})
    assert response.status_code == 403
    assert "The form had expired" in response.text
    assert "reload the page" in response.text
