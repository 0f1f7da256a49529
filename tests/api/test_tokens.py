"""Personal API tokens: made and revoked by their user, shown once, stored only as a hash."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import MAX_TOKENS_PER_USER, ApiToken, token_create
from audit.models import Event
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _with_token(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_the_tokens_page_is_linked_from_every_page(client, owner):
    client.force_login(owner)
    response = client.get(reverse("actions:home"))
    assert f'href="{reverse("api-tokens")}"' in response.text


def test_a_token_is_shown_once_and_only_its_hash_is_kept(client, owner):
    client.force_login(owner)
    response = client.post(reverse("api-tokens"), {"name": "Power BI refresh", "days": "90"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("peel_") and secret in response.text
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=owner)
    assert token.name == "Power BI refresh"
    assert secret not in (token.digest, token.token_key)
    assert token.expiry.date() == timezone.localdate() + dt.timedelta(days=90)
    assert Event.objects.get(verb="token.create").actor == owner
    # Never again: the page lists it by name and its first characters only.
    listing = client.get(reverse("api-tokens"))
    assert "Power BI refresh" in listing.text
    assert secret not in listing.text


def test_a_token_needs_a_name(client, owner):
    client.force_login(owner)
    response = client.post(reverse("api-tokens"), {"name": "", "days": "90"})
    assert "Enter what the token is for" in response.text
    assert "govuk-error-summary" in response.text
    assert not ApiToken.objects.exists()


def test_a_script_uses_a_token_as_its_user(owner, action):
    token, secret = token_create(user=owner, name="Script")
    response = _with_token(secret).get("/api/v1/actions/")
    assert [row["id"] for row in response.json()["results"]] == [action.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_changes_made_with_a_token_are_audited_in_the_users_name(owner, action):
    _, secret = token_create(user=owner, name="Script")
    response = _with_token(secret).post(
        f"/api/v1/actions/{action.pk}/start/", {"note": "Kick-off"}, format="json"
    )
    assert response.status_code == 200  # no CSRF for tokens: they are not cookies
    assert Event.objects.get(verb="action.start").actor == owner


def test_a_wrong_token_is_refused(owner):
    token_create(user=owner, name="Script")
    response = _with_token("peel_" + "0" * 64).get("/api/v1/actions/")
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_stops_working_at_once(client, owner):
    token, secret = token_create(user=owner, name="Script")
    client.force_login(owner)
    response = client.post(reverse("api-token-revoke", args=[token.pk]))
    assert response.status_code == 302
    assert not ApiToken.objects.exists()
    assert Event.objects.get(verb="token.revoke").summary == "API token revoked: Script"
    assert _with_token(secret).get("/api/v1/actions/").status_code == 401


def test_nobody_revokes_someone_elses_token(client, owner, teammate):
    token, _ = token_create(user=owner, name="Script")
    client.force_login(teammate)
    assert client.post(reverse("api-token-revoke", args=[token.pk])).status_code == 404
    assert api_delete(teammate, token).status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def api_delete(user, token):
    client = APIClient()
    client.force_login(user)
    return client.delete(f"/api/v1/tokens/{token.pk}/")


def test_a_token_expires(owner):
    _, secret = token_create(user=owner, name="Script", days=30)
    with time_machine.travel(timezone.now() + dt.timedelta(days=31)):
        assert _with_token(secret).get("/api/v1/actions/").status_code == 401


def test_the_api_lists_and_revokes_tokens_without_secrets(owner):
    token, secret = token_create(user=owner, name="Script")
    client = _with_token(secret)
    [row] = client.get("/api/v1/tokens/").json()
    assert row["name"] == "Script" and "token" not in row and secret not in str(row)
    assert client.delete(f"/api/v1/tokens/{token.pk}/").status_code == 204
    assert client.get("/api/v1/tokens/").status_code == 401  # it revoked itself


def test_a_token_cannot_make_more_tokens(owner, api):
    _, secret = token_create(user=owner, name="Script")
    response = _with_token(secret).post("/api/v1/tokens/", {"name": "More"}, format="json")
    assert response.status_code == 403
    made = api(owner).post("/api/v1/tokens/", {"name": "Signed in"}, format="json")
    assert made.status_code == 201
    assert made.json()["token"].startswith("peel_")


def test_there_is_a_limit_on_tokens(client, owner):
    for i in range(MAX_TOKENS_PER_USER):
        token_create(user=owner, name=f"Script {i}")
    client.force_login(owner)
    response = client.post(reverse("api-tokens"), {"name": "One more", "days": "30"})
    assert "Revoke one you no longer use first" in response.text


def test_an_inactive_users_tokens_stop_working(owner):
    _, secret = token_create(user=owner, name="Script")
    owner.is_active = False
    owner.save()
    assert _with_token(secret).get("/api/v1/actions/").status_code == 401


def test_me_says_who_the_token_is_for(owner, board_member, board):
    _, secret = token_create(user=board_member, name="Script")
    body = _with_token(secret).get("/api/v1/me/").json()
    assert body["username"] == "board"
    assert body["forces"] == [
        {"id": board.force_id, "name": "Avon and Somerset Constabulary", "roles": ["board_member"]}
    ]
    assert body["boards"] == [board.pk]


def test_a_script_downloads_evidence_with_its_token(owner, evidence):
    _, secret = token_create(user=owner, name="Script")
    response = _with_token(secret).get(f"/api/v1/evidence/{evidence.pk}/download/")
    assert response.status_code == 200
    assert Event.objects.get(verb="evidence.download").actor == owner


def test_the_back_office_lists_and_revokes_tokens_with_an_audit_record(client, owner):
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)
    token, secret = token_create(user=owner, name="Leaked script")
    client.force_login(admin)
    listing = client.get(reverse("admin:accounts_apitoken_changelist"))
    assert "Leaked script" in listing.text
    assert secret not in listing.text
    client.post(reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert not ApiToken.objects.exists()
    assert Event.objects.get(verb="token.revoke").actor == admin
