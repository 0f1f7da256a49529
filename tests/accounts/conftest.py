"""Helpers for identity and access tests: signing in through the real pages, TOTP codes,
and a real OpenID Connect provider in its own process."""

import os
import socket
import subprocess
import sys
import time

import pytest
import requests
from django.urls import reverse

PASSWORD = "correct horse battery staple"


@pytest.fixture
def with_password():
    """with_password(user) -> user, with PASSWORD (set directly, as the demo does)."""

    def give(user):
        user.set_password(PASSWORD)
        user.save()
        return user

    return give


def sign_in(client, user, password=PASSWORD, **extra):
    """Sign in through the sign-in page, as a person would."""
    return client.post(
        reverse("account_login"), {"login": user.get_username(), "password": password}, **extra
    )


@pytest.fixture
def two_factor_on(settings):
    settings.REQUIRE_2FA = True


def totp_code(secret: str) -> str:
    from allauth.mfa.totp.internal.auth import hotp_value, yield_hotp_counters_from_time

    counter = next(iter(yield_hotp_counters_from_time()))
    return f"{hotp_value(secret, counter):06d}"


def set_up_totp(client, password=PASSWORD):
    """Go through the set-up page: confirm the password when asked, read the secret the
    page shows, enter the app's code."""
    page = client.get(reverse("mfa_activate_totp"))
    if page.status_code == 302 and page["Location"].startswith(reverse("account_reauthenticate")):
        client.post(page["Location"], {"password": password})
        page = client.get(reverse("mfa_activate_totp"))
    secret = page.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    return secret, response


# --- A real OpenID Connect provider ---------------------------------------------------------

OIDC_PORTS = range(9100, 9200)


def _free_port() -> int:
    wanted = os.environ.get("PEELTRACK_TEST_OIDC_PORT")
    candidates = [int(wanted)] if wanted else list(OIDC_PORTS)
    for port in candidates:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("No free port in 9100-9199 for the test OpenID Connect provider")


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """oidc-provider-mock, a real OpenID Connect provider (discovery, authorisation code
    flow, signed ID tokens, userinfo), run as its own process on a loopback port for the
    test session. Its sign-in form takes a subject; claims are set with PUT /users/<sub>."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603 (our own interpreter, fixed arguments)
            [
                sys.executable,
                "-m",
                "oidc_provider_mock",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"The OIDC provider did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def sso(settings, oidc_provider, force):
    """PEELtrack configured for single sign-on with the provider, for `force`."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "sso",
                    "name": "Test Police account",
                    "client_id": "peeltrack-tests",
                    "secret": "test-secret",
                    "settings": {"server_url": oidc_provider, "force": force.slug},
                }
            ],
        }
    }
    return oidc_provider


def sso_sign_in(client, provider_url, sub, claims):
    """The whole round trip: PEELtrack -> the provider's sign-in -> back with a code,
    which PEELtrack exchanges with the provider for tokens and the user's claims."""
    requests.put(f"{provider_url}/users/{sub}", json=claims, timeout=10).raise_for_status()
    start = client.post(reverse("openid_connect_login", args=["sso"]), {"process": "login"})
    assert start.status_code == 302, start
    authorize = start["Location"]
    assert authorize.startswith(provider_url)
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text
    callback = answer.headers["Location"]
    return client.get(callback.replace("http://testserver", ""), follow=False)


@pytest.fixture
def people_manager(force):
    from tests.factories import MembershipFactory, UserFactory

    user = UserFactory(username="people")
    MembershipFactory(user=user, force=force, role="people_manager")
    return user
