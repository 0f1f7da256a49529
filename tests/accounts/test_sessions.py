"""Sessions: the idle and absolute limits, the warning, and ending sessions."""

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import ApiToken, token_create
from audit.models import Event
from tests.accounts.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _at(minutes):
    return time_machine.travel(START + dt.timedelta(minutes=minutes), tick=False)


def test_a_session_ends_after_30_minutes_without_a_request(client, owner, with_password):
    with_password(owner)
    with _at(0):
        sign_in(client, owner)
    with _at(29):
        assert client.get(reverse("actions:home")).status_code == 200
    with _at(29 + 29):
        assert client.get(reverse("actions:home")).status_code == 200  # activity resets it
    with _at(29 + 29 + 31):
        response = client.get(reverse("actions:list") + "?status=in_progress")
        assert response.status_code == 302
        assert response["Location"] == (
            reverse("account_login") + "?next=%2Factions%2F%3Fstatus%3Din_progress"
        )
        page = client.get(response["Location"])
        assert "you did nothing for 30 minutes" in page.text
        assert client.get(reverse("actions:home")).status_code == 302
    assert Event.objects.get(verb="auth.sign_out").data["reason"] == "idle"


def test_a_session_ends_12_hours_after_sign_in_however_busy(client, owner, with_password):
    with_password(owner)
    with _at(0):
        sign_in(client, owner)
    for minutes in range(20, 12 * 60, 20):
        with _at(minutes):
            assert client.get(reverse("actions:home")).status_code == 200, minutes
    with _at(12 * 60):
        response = client.get(reverse("actions:home"))
        assert response.status_code == 302
        assert "signed in for 12 hours" in client.get(response["Location"]).text
    assert Event.objects.get(verb="auth.sign_out").data["reason"] == "absolute"


def test_the_limits_are_settings(client, owner, with_password, settings):
    settings.SESSION_IDLE_TIMEOUT = 5 * 60
    with_password(owner)
    with _at(0):
        sign_in(client, owner)
    with _at(6):
        assert client.get(reverse("actions:home")).status_code == 302


def test_reading_the_clock_is_not_activity_but_staying_is(client, owner, with_password):
    with_password(owner)
    with _at(0):
        sign_in(client, owner)
    with _at(26):
        status = client.get(reverse("session-status")).json()
        assert status["idle_seconds_left"] == 4 * 60
        assert status["warning_seconds"] == 5 * 60
    with _at(27):
        stayed = client.post(reverse("session-status")).json()
        assert stayed["idle_seconds_left"] == 30 * 60
    with _at(27 + 29):
        assert client.get(reverse("actions:home")).status_code == 200
    with _at(27 + 29 + 31):
        expired = client.get(reverse("session-status"))
        assert expired.status_code == 401
        assert expired.json()["code"] == "session_expired"


def test_pages_carry_the_timeout_warning_for_the_script(client, owner, with_password):
    with_password(owner)
    sign_in(client, owner)
    page = client.get(reverse("actions:home")).text
    assert '<dialog class="app-timeout" id="session-timeout"' in page
    idle = int(re.search(r'data-idle-seconds="(\d+)"', page).group(1))
    assert 1790 <= idle <= 1800
    assert 'data-warning-seconds="300"' in page
    assert "/static/js/session-timeout.js" in page
    assert "Stay signed in" in page
    anonymous = Client().get(reverse("account_login")).text
    assert "session-timeout" not in anonymous


def test_the_security_page_lists_sessions_and_tokens(client, owner, with_password):
    with_password(owner)
    other = Client()
    sign_in(other, owner, HTTP_USER_AGENT="Firefox on the desk PC", REMOTE_ADDR="10.0.0.7")
    sign_in(client, owner, HTTP_USER_AGENT="Edge on my laptop")
    token_create(user=owner, name="Power BI refresh")
    page = client.get(reverse("account-security"))
    assert [s.user_agent for s in page.context["sessions"]] == [
        "Firefox on the desk PC",
        "Edge on my laptop",
    ]
    assert "10.0.0.7" in page.text
    assert "This session" in page.text
    assert "Power BI refresh" in page.text


def test_one_other_session_can_be_signed_out(client, owner, with_password):
    with_password(owner)
    other = Client()
    sign_in(other, owner, HTTP_USER_AGENT="Firefox on the desk PC")
    sign_in(client, owner)
    sessions = client.get(reverse("account-security")).context["sessions"]
    theirs = next(s for s in sessions if s.user_agent == "Firefox on the desk PC")
    client.post(reverse("account-security"), {"session": theirs.pk})
    assert other.get(reverse("actions:home")).status_code == 302
    assert client.get(reverse("actions:home")).status_code == 200


def test_someone_elses_session_cannot_be_ended(client, owner, teammate, with_password):
    with_password(owner)
    with_password(teammate)
    theirs = Client()
    sign_in(theirs, teammate)
    sign_in(client, owner)
    from allauth.usersessions.models import UserSession

    session = UserSession.objects.get(user=teammate)
    client.post(reverse("account-security"), {"session": session.pk})
    assert theirs.get(reverse("actions:home")).status_code == 200


def test_sign_out_everywhere_ends_every_session_and_revokes_every_token(
    client, owner, with_password
):
    with_password(owner)
    laptop, phone = Client(), Client()
    sign_in(laptop, owner)
    sign_in(phone, owner)
    sign_in(client, owner)
    token_create(user=owner, name="Script")
    response = client.post(reverse("account-security"), {"everywhere": "1"}, follow=True)
    assert "You are signed out everywhere" in response.text
    for browser in (client, laptop, phone):
        assert browser.get(reverse("actions:home")).status_code == 302
    assert not ApiToken.objects.filter(user=owner).exists()
    assert Event.objects.filter(verb="auth.sign_out_everywhere", actor=owner).exists()
    assert Event.objects.filter(verb="token.revoke", actor=owner).exists()


def test_a_new_password_ends_the_other_sessions_but_not_this_one(client, owner, with_password):
    with_password(owner)
    laptop = Client()
    sign_in(laptop, owner)
    sign_in(client, owner)
    token_create(user=owner, name="Script")
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "fresh quiet harbour",
            "password2": "fresh quiet harbour",
        },
    )
    assert laptop.get(reverse("actions:home")).status_code == 302
    assert client.get(reverse("actions:home")).status_code == 200
    # Tokens are for scripts: they stay, and "sign out everywhere" revokes them.
    assert ApiToken.objects.filter(user=owner).exists()
