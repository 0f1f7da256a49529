"""The API's rate limits: per token and per address, answered with 429 and Retry-After."""

import pytest
from rest_framework.test import APIClient

from accounts.models import token_create

pytestmark = pytest.mark.django_db


def _token_client(user, name="Script", address="10.0.0.1"):
    _token, secret = token_create(user=user, name=name)
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_a_token_over_its_rate_gets_429_with_retry_after(settings, owner, action):
    settings.API_RATE_PER_TOKEN = "5/min"
    client = _token_client(owner)
    for _ in range(5):
        assert client.get("/api/v1/actions/").status_code == 200
    refused = client.get("/api/v1/actions/")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    body = refused.json()
    assert body["status"] == 429 and body["code"] == "throttled"
    assert "Expected available in" in body["detail"]


def test_each_token_has_its_own_allowance(settings, owner, action):
    settings.API_RATE_PER_TOKEN = "3/min"
    busy = _token_client(owner, "Busy script")
    other = _token_client(owner, "Dashboard")
    for _ in range(3):
        busy.get("/api/v1/actions/")
    assert busy.get("/api/v1/actions/").status_code == 429
    assert other.get("/api/v1/actions/").status_code == 200


def test_one_address_is_limited_whatever_it_sends(settings, owner, teammate, action):
    settings.API_RATE_PER_ADDRESS = "4/min"
    guesser = APIClient(REMOTE_ADDR="10.6.6.6")
    for n in range(4):
        guesser.credentials(HTTP_AUTHORIZATION=f"Token peel_guess{n}")
        assert guesser.get("/api/v1/actions/").status_code == 401
    guesser.credentials(HTTP_AUTHORIZATION="Token peel_guess-again")
    assert guesser.get("/api/v1/actions/").status_code == 429
    # Even with a real token, from that address.
    assert _token_client(owner, address="10.6.6.6").get("/api/v1/actions/").status_code == 429
    # Another address is not affected.
    assert _token_client(teammate, address="10.1.1.1").get("/api/v1/actions/").status_code == 200


def test_the_address_is_the_proxys_client_only_when_told_to_trust_it(settings, owner, action):
    settings.API_RATE_PER_ADDRESS = "2/min"
    settings.TRUSTED_PROXY_COUNT = 1
    client = _token_client(owner, address="10.0.0.254")  # the proxy
    client.get("/api/v1/actions/", HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.10")
    client.get("/api/v1/actions/", HTTP_X_FORWARDED_FOR="1.1.1.1, 192.0.2.10")
    # The client behind the proxy is limited; forging the start of the header is no help.
    assert (
        client.get("/api/v1/actions/", HTTP_X_FORWARDED_FOR="9.9.9.9, 192.0.2.10").status_code
        == 429
    )
    assert client.get("/api/v1/actions/", HTTP_X_FORWARDED_FOR="192.0.2.11").status_code == 200


def test_a_browser_session_counts_against_its_user(settings, owner, action):
    settings.API_RATE_PER_TOKEN = "2/min"
    client = APIClient()
    client.force_login(owner)
    client.get("/api/v1/actions/")
    client.get("/api/v1/actions/")
    assert client.get("/api/v1/actions/").status_code == 429


def test_the_schema_documents_the_429(client, owner):
    client.force_login(owner)
    schema = client.get("/api/schema/?format=json").json()
    responses = schema["paths"]["/api/v1/actions/"]["get"]["responses"]
    assert "429" in responses
    assert "Retry-After" in responses["429"]["headers"]
