"""The password policy, changing a password and resetting a forgotten one by email."""

import datetime as dt
import re

import pytest
import time_machine
from django.contrib.auth import password_validation
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from audit.models import Event
from tests.accounts.conftest import PASSWORD, sign_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "Peeltrack1",  # short, and the service's name
        "owner123",
        "12345678x",
        "Password123456!",  # a common word dressed up
        "Summer2024!!!!",
        "qwertyqwerty",
        "p@ssw0rd12345",
        "peeltrack-peeltrack",
        "x" * 129,  # too long
    ],
)
def test_weak_or_common_passwords_are_refused(password, owner):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, owner)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "Lighthouse-mango-tuesday", "zq8 vk2 plo7 ermine", "é" * 12],
)
def test_long_uncommon_passwords_are_accepted_with_no_composition_rules(password, owner):
    password_validation.validate_password(password, owner)


def test_a_password_like_the_persons_own_name_is_refused(owner):
    owner.username = "olivia.owenson"
    with pytest.raises(ValidationError):
        password_validation.validate_password("olivia.owenson1", owner)


def test_a_password_is_changed_with_the_current_one_and_audited(client, owner, with_password):
    with_password(owner)
    sign_in(client, owner)
    url = reverse("account_change_password")
    wrong = client.post(
        url,
        {
            "oldpassword": "not it",
            "password1": "new tidy lemon kite",
            "password2": "new tidy lemon kite",
        },
    )
    assert "Enter your current password correctly" in wrong.text
    weak = client.post(
        url, {"oldpassword": PASSWORD, "password1": "password1234", "password2": "password1234"}
    )
    assert "too common" in weak.text
    done = client.post(
        url,
        {
            "oldpassword": PASSWORD,
            "password1": "new tidy lemon kite",
            "password2": "new tidy lemon kite",
        },
    )
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("new tidy lemon kite")
    event = Event.objects.filter(verb="auth.password_change").latest("pk")
    assert event.summary == "Password changed by its owner"
    assert event.actor == owner
    assert "pbkdf2" not in str(event.changes) + str(event.data)
    # Still signed in here.
    assert client.get(reverse("actions:home")).status_code == 200
    # The owner is told by email (ASVS 2.2.3).
    assert any("password" in m.subject.lower() for m in mail.outbox)


def _reset_link(address):
    message = next(m for m in mail.outbox if address in m.to)
    return re.search(r"http://testserver(/accounts/password/reset/key/\S+)", message.body).group(1)


def test_a_reset_answers_the_same_whether_or_not_the_address_is_known(client, owner):
    known = client.post(reverse("account_reset_password"), {"email": owner.email})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.police.uk"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert [m.to for m in mail.outbox] == [[owner.email]]  # nothing sent to an unknown address


def test_a_reset_link_works_once(client, owner, with_password):
    with_password(owner)
    client.post(reverse("account_reset_password"), {"email": owner.email})
    link = _reset_link(owner.email)
    form = client.get(link, follow=True)
    new = {"password1": "brand new river stone", "password2": "brand new river stone"}
    done = client.post(form.request["PATH_INFO"], new)
    assert done.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("brand new river stone")
    event = Event.objects.filter(verb="auth.password_change").latest("pk")
    assert event.summary == "Password reset with an emailed link"
    assert event.actor is None  # signed out: the link proved who it was
    again = client.get(link, follow=True)
    assert "This link does not work" in again.text


def test_a_reset_link_expires_after_an_hour(client, owner, with_password):
    with_password(owner)
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        client.post(reverse("account_reset_password"), {"email": owner.email})
        link = _reset_link(owner.email)
    with time_machine.travel(start + dt.timedelta(minutes=61), tick=False):
        page = client.get(link, follow=True)
        assert "This link does not work" in page.text
        assert owner.check_password(PASSWORD)


def test_a_reset_signs_out_every_session(client, owner, with_password):
    from django.test import Client

    with_password(owner)
    elsewhere = Client()
    sign_in(elsewhere, owner)
    assert elsewhere.get(reverse("actions:home")).status_code == 200
    client.post(reverse("account_reset_password"), {"email": owner.email})
    form = client.get(_reset_link(owner.email), follow=True)
    client.post(
        form.request["PATH_INFO"],
        {"password1": "brand new river stone", "password2": "brand new river stone"},
    )
    assert elsewhere.get(reverse("actions:home")).status_code == 302
