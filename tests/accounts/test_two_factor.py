"""Two-factor (TOTP with recovery codes): required of coordinators, auditors, people
managers, staff and superusers who sign in with a password; off only for the demo."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from audit.models import Event
from tests.accounts.conftest import set_up_totp, sign_in, totp_code
from tests.factories import UserFactory
from tests.test_settings import OURS, PRODUCTION

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("person", ["coordinator", "auditor", "people_manager", "superuser"])
def test_those_who_need_it_are_sent_to_set_it_up_before_anything_else(
    client, request, with_password, two_factor_on, person
):
    if person == "superuser":
        user = UserFactory(username="root", is_staff=True, is_superuser=True)
    else:
        user = request.getfixturevalue(person)
    with_password(user)
    sign_in(client, user)
    for page in (reverse("actions:home"), reverse("actions:list"), "/admin/"):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"] == reverse("mfa_activate_totp")
    api = client.get("/api/v1/actions/")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"


def test_an_owner_is_not_made_to(client, owner, with_password, two_factor_on):
    with_password(owner)
    sign_in(client, owner)
    assert client.get(reverse("actions:home")).status_code == 200


def test_setting_it_up_lets_them_in_and_shows_recovery_codes(
    client, coordinator, with_password, two_factor_on
):
    with_password(coordinator)
    sign_in(client, coordinator)
    _secret, response = set_up_totp(client)
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes = client.get(reverse("mfa_view_recovery_codes"))
    assert len(codes.context["unused_codes"]) == 10
    assert client.get(reverse("actions:home")).status_code == 200
    assert Event.objects.filter(verb="auth.2fa_add", summary__contains="authenticator app").exists()
    assert Event.objects.filter(verb="auth.2fa_add", summary__contains="recovery codes").exists()


def test_the_next_sign_in_asks_for_the_code(client, coordinator, with_password, two_factor_on):
    with_password(coordinator)
    sign_in(client, coordinator)
    secret, _ = set_up_totp(client)
    client.post(reverse("account_logout"))

    response = sign_in(client, coordinator)
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("actions:home")).status_code == 302  # not signed in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "Enter the code your authenticator app shows now" in wrong.text
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right["Location"] == reverse("actions:home")
    assert client.get(reverse("actions:home")).status_code == 200
    signed_in = Event.objects.filter(verb="auth.sign_in").latest("pk")
    assert signed_in.data["method"] == "password and two-factor"


def test_a_recovery_code_works_once(client, coordinator, with_password, two_factor_on):
    with_password(coordinator)
    sign_in(client, coordinator)
    set_up_totp(client)
    code = client.get(reverse("mfa_view_recovery_codes")).context["unused_codes"][0]
    client.post(reverse("account_logout"))

    sign_in(client, coordinator)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.get(reverse("actions:home")).status_code == 200
    client.post(reverse("account_logout"))
    sign_in(client, coordinator)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200  # refused: used already


def test_someone_who_needs_it_cannot_turn_it_off(client, coordinator, with_password, two_factor_on):
    with_password(coordinator)
    sign_in(client, coordinator)
    set_up_totp(client)
    client.post(reverse("mfa_deactivate_totp"))
    assert coordinator.authenticator_set.filter(type="totp").exists()


def test_an_owner_may_turn_it_off_and_that_is_audited(client, owner, with_password, two_factor_on):
    with_password(owner)
    sign_in(client, owner)
    set_up_totp(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert not owner.authenticator_set.filter(type="totp").exists()
    assert Event.objects.filter(verb="auth.2fa_remove", actor=owner).exists()


def test_the_demo_setting_turns_the_rule_off(client, coordinator, with_password, settings):
    settings.REQUIRE_2FA = False
    with_password(coordinator)
    sign_in(client, coordinator)
    assert client.get(reverse("actions:home")).status_code == 200


def _start(env):
    clean = {k: v for k, v in os.environ.items() if k not in {*OURS, "REQUIRE_2FA"}}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='peeltrack.settings'; "
        "django.setup()"
    )
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **PRODUCTION, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_turn_two_factor_off():
    refused = _start({"DEBUG": "false", "REQUIRE_2FA": "false"})
    assert refused.returncode != 0
    assert "REQUIRE_2FA" in refused.stderr
    assert _start({"DEBUG": "false"}).returncode == 0
    assert _start({"DEBUG": "true", "REQUIRE_2FA": "false"}).returncode == 0


def test_a_session_from_before_two_factor_was_set_up_must_enter_a_code(
    client, owner, force, with_password, two_factor_on
):
    from django.test import Client

    from tests.factories import MembershipFactory

    with_password(owner)
    sign_in(client, owner)  # an owner: no second factor needed yet
    elsewhere = Client()
    sign_in(elsewhere, owner)
    secret, _ = set_up_totp(elsewhere)
    MembershipFactory(user=owner, force=force, role="coordinator")  # now it is needed
    response = client.get(reverse("actions:list"))
    assert response["Location"] == reverse("mfa_reauthenticate") + "?next=%2Factions%2F"
    done = client.post(response["Location"], {"code": totp_code(secret)})
    assert done["Location"] == reverse("actions:list")
    assert client.get(reverse("actions:list")).status_code == 200
