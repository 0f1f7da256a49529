"""Signing in: the page, slowing repeated failures, then locking the account and address."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from audit.models import Event
from tests.accounts.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


def test_a_person_signs_in_with_username_or_email(client, owner, with_password):
    with_password(owner)
    assert sign_in(client, owner)["Location"] == reverse("actions:home")
    client.post(reverse("account_logout"))
    response = client.post(reverse("account_login"), {"login": owner.email, "password": PASSWORD})
    assert response["Location"] == reverse("actions:home")


def test_signing_in_and_out_is_audited_under_the_persons_force(client, owner, with_password, force):
    with_password(owner)
    sign_in(client, owner, REMOTE_ADDR="10.1.2.3")
    client.post(reverse("account_logout"))
    signed_in = Event.objects.get(verb="auth.sign_in")
    assert signed_in.actor == owner
    assert signed_in.force == force
    assert signed_in.data["ip"] == "10.1.2.3"
    assert signed_in.data["method"] == "password"
    assert Event.objects.get(verb="auth.sign_out").actor == owner


def test_a_failed_sign_in_is_audited_without_the_password(client, owner, with_password):
    with_password(owner)
    sign_in(client, owner, password="not-my-password-at-all")
    event = Event.objects.get(verb="auth.sign_in_failed")
    assert event.actor is None
    assert event.data["username"] == "owner"
    assert "not-my-password" not in str(event.data) + event.summary


def test_an_unknown_name_fails_the_same_way(client, owner, with_password):
    with_password(owner)
    known = sign_in(client, owner, password="wrong-password-here")
    unknown = client.post(
        reverse("account_login"), {"login": "nobody-here", "password": "wrong-password-here"}
    )
    assert known.status_code == unknown.status_code == 200
    assert "Enter a correct username" in known.text
    assert "Enter a correct username" in unknown.text
    assert Event.objects.get(verb="auth.sign_in_failed", data__username="nobody-here").force is None


def _fail(client, owner, times, address="10.0.0.1"):
    for _ in range(times):
        response = sign_in(client, owner, password="wrong-password-here", REMOTE_ADDR=address)
    return response


def test_repeated_failures_are_slowed_then_locked_out(client, owner, with_password):
    with_password(owner)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        _fail(client, owner, 5)
        # Slowed: five failures for one account in five minutes, then even the right
        # password waits.
        slowed = sign_in(client, owner, REMOTE_ADDR="10.0.0.1")
        assert slowed.status_code == 200
        assert "Too many failed sign-in attempts. Wait 5 minutes" in slowed.text
    with time_machine.travel(start + dt.timedelta(minutes=6), tick=False):
        locked = _fail(client, owner, 5)
        # Locked: ten failures for the account from this address.
        assert locked.status_code == 429
        assert "Your account is locked on this device" in locked.text
        assert Event.objects.filter(verb="auth.lockout", data__username="owner").exists()
    with time_machine.travel(start + dt.timedelta(minutes=12), tick=False):
        # No longer slowed, but still locked: even the right password is refused.
        assert sign_in(client, owner, REMOTE_ADDR="10.0.0.1").status_code == 429
        # From elsewhere the account still works: nobody can lock a colleague out.
        assert sign_in(client, owner, REMOTE_ADDR="10.9.9.9").status_code == 302
    with time_machine.travel(start + dt.timedelta(minutes=6, hours=1, seconds=1), tick=False):
        # The lockout ends after an hour.
        assert sign_in(client, owner, REMOTE_ADDR="10.0.0.1").status_code == 302


def test_the_back_office_signs_in_through_the_same_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login.status_code == 302  # the admin's own login form is never used
    assert login["Location"].startswith(reverse("account_login"))


def test_the_old_sign_in_address_still_works(client):
    response = client.get("/login/?next=/actions/")
    assert response["Location"] == reverse("account_login") + "?next=/actions/"


@pytest.mark.parametrize(
    "path", ["/accounts/signup/", "/accounts/email/", "/accounts/password/set/"]
)
def test_pages_people_do_not_need_are_not_offered(client, owner, path):
    client.force_login(owner)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("path", ["/logout/", "/admin/logout/", "/accounts/logout/"])
def test_signing_out_opened_in_a_browser_asks_to_confirm(client, owner, path):
    client.force_login(owner)
    response = client.get(path, follow=True)
    assert response.status_code == 200
    assert "Sign out of PEELtrack?" in response.text
    assert response.wsgi_request.user.is_authenticated  # a GET signs nobody out
