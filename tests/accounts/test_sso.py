"""Single sign-on with OpenID Connect, end to end against a real provider process."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import AccessRequest
from audit.models import Event
from tests.accounts.conftest import sso_sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_the_sign_in_page_offers_the_forces_sign_in_service(client, sso):
    page = client.get(reverse("account_login"))
    assert "Sign in with Test Police account" in page.text


def test_a_first_sign_in_makes_an_inactive_account_waiting_for_approval(client, sso, force):
    response = sso_sign_in(
        client,
        sso,
        "new-starter-1",
        {"email": "sam.new@test.police.uk", "email_verified": True, "given_name": "Sam",
         "family_name": "New", "preferred_username": "sam.new"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("account_inactive")
    person = User.objects.get(email="sam.new@test.police.uk")
    assert not person.is_active
    assert not person.has_usable_password()
    access = AccessRequest.objects.get(user=person)
    assert access.force == force and access.state == "pending"
    assert Event.objects.filter(verb="access.request", force=force).exists()
    # Not signed in: the next page asks them to sign in.
    assert client.get(reverse("actions:home")).status_code == 302


def test_once_approved_the_same_subject_signs_in(client, sso, force, people_manager):
    claims = {"email": "kim@test.police.uk", "email_verified": True, "given_name": "Kim"}
    sso_sign_in(client, sso, "kim-subject", claims)
    person = User.objects.get(email="kim@test.police.uk")
    manager = client.__class__()
    manager.force_login(people_manager)
    access = person.access_requests.get()
    manager.post(
        reverse("accounts:approve", args=[person.pk]),
        {"request": access.pk, "approve-roles": ["owner"], "approve-team": "Response"},
    )
    person.refresh_from_db()
    assert person.is_active
    assert person.memberships.get().role == "owner"
    # The provider now says the email is someone else's: the subject still finds Kim.
    response = sso_sign_in(client, sso, "kim-subject", {**claims, "email": "other@x.uk"})
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:home")
    assert client.get(reverse("actions:home")).context["user"] == person
    assert Event.objects.filter(verb="auth.sign_in", data__method="single sign-on").exists()


def test_an_existing_person_is_found_by_their_verified_email(client, sso, owner):
    response = sso_sign_in(
        client, sso, "entra-oid-123", {"email": owner.email.upper(), "email_verified": True}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("actions:home")
    assert client.get(reverse("actions:home")).context["user"] == owner
    assert owner.socialaccount_set.get().uid == "entra-oid-123"
    assert not AccessRequest.objects.exists()


def test_an_unverified_email_never_signs_in_as_someone_else(client, sso, owner):
    sso_sign_in(client, sso, "impostor", {"email": owner.email, "email_verified": False})
    # Not Olivia: at most a new, inactive account waiting for approval.
    assert not owner.socialaccount_set.exists()
    home = client.get(reverse("actions:home"))
    assert home.status_code == 302


def test_a_deactivated_person_cannot_sign_in_with_sso(client, sso, owner):
    owner.is_active = False
    owner.save()
    response = sso_sign_in(client, sso, "leaver", {"email": owner.email, "email_verified": True})
    assert response["Location"] == reverse("account_inactive")
    assert client.get(reverse("actions:home")).status_code == 302


def test_a_coordinator_signed_in_with_sso_is_not_asked_for_a_second_factor(
    client, sso, coordinator, two_factor_on
):
    # The force's identity provider applies its own multi-factor policy.
    sso_sign_in(client, sso, "coord", {"email": coordinator.email, "email_verified": True})
    assert client.get(reverse("actions:home")).status_code == 200


def test_someone_else_cannot_approve_for_a_force_they_do_not_manage(client, sso, outsider):
    sso_sign_in(client, sso, "x-1", {"email": "x1@test.police.uk", "email_verified": True})
    person = User.objects.get(email="x1@test.police.uk")
    client.force_login(UserFactory(username="nobody"))
    assert client.get(reverse("accounts:person", args=[person.pk])).status_code == 403
