"""OWASP ASVS 4.0.3 V2 and V3 requirements not covered by a feature's own tests (see the
README's checklist for which test proves each requirement)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import password_validation
from django.urls import reverse

from tests.accounts.conftest import PASSWORD, sign_in
from tests.test_settings import OURS, PRODUCTION

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_2_1_2_passwords_of_64_to_128_characters_are_allowed(owner):
    password_validation.validate_password("long quiet " * 11 + "river", owner)  # 126


def test_2_1_3_a_long_password_is_not_truncated(client, owner):
    owner.set_password("a" * 80 + "first ending")
    owner.save()
    response = client.post(
        reverse("account_login"), {"login": "owner", "password": "a" * 80 + "other ending"}
    )
    assert response.status_code == 200  # refused: every character counts


def test_2_1_4_any_unicode_including_emoji_is_allowed(client, owner):
    password = "🦊 smörgåsbord ночь 夜"
    password_validation.validate_password(password, owner)
    owner.set_password(password)
    owner.save()
    assert sign_in(client, owner, password=password).status_code == 302


def test_2_1_11_and_12_password_managers_work_and_a_password_can_be_shown(client, owner):
    page = client.get(reverse("account_login")).text
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    assert "onpaste" not in page
    assert "govuk-password-input__toggle" in page  # the GOV.UK "Show" button
    client.force_login(owner)
    change = client.get(reverse("account_change_password")).text
    assert change.count('autocomplete="new-password"') == 2


def test_2_4_1_passwords_are_stored_with_pbkdf2():
    from django.conf import global_settings

    import peeltrack.settings as configured

    assert not hasattr(configured, "PASSWORD_HASHERS")  # Django's default, not the tests' MD5
    assert global_settings.PASSWORD_HASHERS[0].endswith("PBKDF2PasswordHasher")


def test_3_1_1_and_3_2_1_a_new_session_token_at_sign_in_never_in_a_url(client, owner):
    owner.set_password(PASSWORD)
    owner.save()
    client.get(reverse("account_login"))
    before = client.cookies.get("sessionid")
    response = sign_in(client, owner)
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after
    assert after not in response["Location"]


def test_3_4_1_to_3_cookies_are_httponly_samesite_and_secure_in_production(client, owner):
    owner.set_password(PASSWORD)
    owner.save()
    sign_in(client, owner)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='peeltrack.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"
    )
    clean = {k: v for k, v in os.environ.items() if k not in OURS}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION, "DEBUG": "false"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "__Host-sessionid", "__Host-csrftoken"]


def test_3_3_1_signing_out_ends_the_session_on_the_server(client, owner):
    owner.set_password(PASSWORD)
    owner.save()
    sign_in(client, owner)
    key = client.cookies["sessionid"].value
    client.post(reverse("account_logout"))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=key).exists()
