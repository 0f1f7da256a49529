"""The People pages: a force's people managers run its people, and nothing more."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import AccessRequest, ApiToken, token_create
from audit.models import Event
from forces.models import Membership
from tests.accounts.conftest import PASSWORD, set_up_totp, sign_in
from tests.factories import BoardFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager_client(client, people_manager):
    client.force_login(people_manager)
    return client


def test_only_people_managers_reach_the_people_pages(client, coordinator, owner):
    client.force_login(coordinator)
    assert client.get(reverse("accounts:people")).status_code == 403
    assert client.get(reverse("accounts:person", args=[owner.pk])).status_code == 403
    assert Event.objects.filter(verb="access.refuse", actor=coordinator).count() == 2


def test_the_list_shows_the_forces_people_and_not_anothers(manager_client, owner, outsider):
    page = manager_client.get(reverse("accounts:people"))
    names = [p.username for p in page.context["rows"]]
    assert "owner" in names
    assert "outsider" not in names
    assert manager_client.get(reverse("accounts:person", args=[outsider.pk])).status_code == 404


def test_the_people_page_is_in_the_navigation_for_people_managers(manager_client, client):
    assert 'href="/people/"' in manager_client.get(reverse("actions:home")).text


def test_the_list_costs_the_same_queries_for_5_or_50_people(
    manager_client, force, django_assert_max_num_queries
):
    for n in range(5):
        MembershipFactory(user=UserFactory(username=f"p{n}"), force=force)
    with django_assert_max_num_queries(14) as five:
        manager_client.get(reverse("accounts:people"))
    for n in range(5, 50):
        MembershipFactory(user=UserFactory(username=f"p{n}"), force=force)
    with django_assert_max_num_queries(len(five.captured_queries)):
        manager_client.get(reverse("accounts:people"))


def _invite(client, force, **extra):
    data = {
        "email": "new.starter@example.police.uk",
        "first_name": "New",
        "last_name": "Starter",
        "force": force.pk,
        "roles": ["owner"],
        "team": "Response",
        **extra,
    }
    return client.post(reverse("accounts:invite"), data)


def test_an_invitation_makes_the_account_and_emails_a_single_use_link(
    manager_client, force, people_manager
):
    response = _invite(manager_client, force)
    assert response.status_code == 302
    person = Membership.objects.get(team="Response").user
    assert person.email == "new.starter@example.police.uk"
    assert person.is_active and not person.has_usable_password()
    link = re.search(r"http://127.0.0.1:8000(/invitation/\S+/)", mail.outbox[0].body).group(1)
    assert Event.objects.get(verb="person.invite").actor == people_manager
    assert Event.objects.get(verb="user.create", object_id=str(person.pk)).actor == people_manager

    newcomer = Client()
    weak = newcomer.post(link, {"password1": "password1234", "password2": "password1234"})
    assert "too common" in weak.text
    done = newcomer.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert done["Location"] == reverse("account_login")
    person.refresh_from_db()
    assert person.check_password(PASSWORD)
    assert newcomer.get(link).status_code == 410  # used
    assert sign_in(newcomer, person)["Location"] == reverse("actions:home")


def test_an_invitation_needs_a_role_and_a_new_address(manager_client, force, owner):
    no_role = _invite(manager_client, force, roles=[])
    assert "Choose at least one role" in no_role.text
    taken = _invite(manager_client, force, email=owner.email.upper())
    assert "already has an account" in taken.text


def test_nobody_invites_into_a_force_they_do_not_manage(manager_client, other_force):
    response = _invite(manager_client, other_force)
    assert response.status_code == 200
    assert "Choose one of your forces" in response.text
    assert not Membership.objects.filter(force=other_force, team="Response").exists()


def test_a_people_manager_approves_a_sign_up_with_a_role(manager_client, force, people_manager):
    person = UserFactory(username="pending", is_active=False)
    access = AccessRequest.objects.create(user=person, force=force, provider="Test SSO")
    page = manager_client.get(reverse("accounts:people"))
    assert [r.user for r in page.context["pending"]] == [person]
    manager_client.post(
        reverse("accounts:approve", args=[person.pk]),
        {"request": access.pk, "approve-roles": ["owner", "board_member"]},
    )
    person.refresh_from_db()
    access.refresh_from_db()
    assert person.is_active
    assert access.state == "approved" and access.decided_by == people_manager
    assert set(person.memberships.values_list("role", flat=True)) == {"owner", "board_member"}
    assert Event.objects.filter(verb="access.approve", actor=people_manager).exists()


def test_a_refused_sign_up_stays_inactive(manager_client, force):
    person = UserFactory(username="stranger", is_active=False)
    access = AccessRequest.objects.create(user=person, force=force, provider="Test SSO")
    manager_client.post(reverse("accounts:refuse", args=[person.pk]), {"request": access.pk})
    access.refresh_from_db()
    person.refresh_from_db()
    assert access.state == "refused" and not person.is_active


def test_roles_are_given_and_removed_and_audited(manager_client, owner, force, people_manager):
    manager_client.post(
        reverse("accounts:role-add", args=[owner.pk]),
        {"role-force": force.pk, "role-role": "auditor", "role-team": ""},
    )
    auditor = owner.memberships.get(role="auditor")
    assert (
        Event.objects.get(
            verb="membership.create", data__user_id=owner.pk, changes__role=[None, "auditor"]
        ).actor
        == people_manager
    )
    manager_client.post(reverse("accounts:role-remove", args=[owner.pk, auditor.pk]))
    assert not owner.memberships.filter(role="auditor").exists()
    assert Event.objects.filter(verb="membership.delete", actor=people_manager).exists()


def test_nobody_gives_a_role_in_another_force(manager_client, owner, other_force):
    response = manager_client.post(
        reverse("accounts:role-add", args=[owner.pk]),
        {"role-force": other_force.pk, "role-role": "coordinator"},
        follow=True,
    )
    assert "Choose one of your forces" in response.text
    assert not owner.memberships.filter(force=other_force).exists()


def test_nobody_changes_their_own_access(manager_client, people_manager, force):
    response = manager_client.post(
        reverse("accounts:role-add", args=[people_manager.pk]),
        {"role-force": force.pk, "role-role": "coordinator"},
        follow=True,
    )
    assert "You cannot change your own access" in response.text
    assert not people_manager.memberships.filter(role="coordinator").exists()


def test_nobody_is_raised_to_superuser_or_staff_from_the_people_pages(manager_client, owner, force):
    for field in ("is_superuser", "is_staff"):
        manager_client.post(
            reverse("accounts:role-add", args=[owner.pk]),
            {"role-force": force.pk, "role-role": "coordinator", field: "on"},
        )
    owner.refresh_from_db()
    assert not owner.is_superuser and not owner.is_staff
    # And superusers' and staff's access is the back office's to change.
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    MembershipFactory(user=root, force=force, role="owner")
    response = manager_client.post(reverse("accounts:deactivate", args=[root.pk]), follow=True)
    root.refresh_from_db()
    assert root.is_active
    assert "do not manage this person" in response.text


def test_board_seats_are_given_and_removed(manager_client, owner, force, other_force):
    board = BoardFactory(force=force, name="Ethics committee")
    foreign = BoardFactory(force=other_force, name="Their board")
    manager_client.post(reverse("accounts:seat-add", args=[owner.pk]), {"seat-board": foreign.pk})
    assert not foreign.members.exists()
    manager_client.post(reverse("accounts:seat-add", args=[owner.pk]), {"seat-board": board.pk})
    assert list(board.members.all()) == [owner]
    manager_client.post(reverse("accounts:seat-remove", args=[owner.pk, board.pk]))
    assert not board.members.exists()
    assert Event.objects.filter(verb="board.member_remove").exists()


def test_deactivating_a_leaver_signs_them_out_revokes_tokens_and_lists_their_work(
    manager_client, owner, with_password, action, coordinator, people_manager
):
    with_password(owner)
    theirs = Client()
    sign_in(theirs, owner)
    token_create(user=owner, name="Their script")
    confirm = manager_client.get(reverse("accounts:deactivate", args=[owner.pk]))
    assert "They own 1 open action" in confirm.text
    response = manager_client.post(reverse("accounts:deactivate", args=[owner.pk]), follow=True)
    assert "is deactivated" in response.text
    owner.refresh_from_db()
    assert not owner.is_active
    assert theirs.get(reverse("actions:home")).status_code == 302
    assert not ApiToken.objects.filter(user=owner).exists()
    assert Event.objects.get(verb="token.revoke").actor == people_manager
    assert Event.objects.get(verb="person.deactivate").actor == people_manager
    # As before, their open actions wait on the coordinators' Reminders page.
    reminders = Client()
    reminders.force_login(coordinator)
    assert action.title in reminders.get(reverse("notifications:deliveries")).text


def test_someone_who_also_works_elsewhere_is_not_deactivated_by_one_force(
    manager_client, owner, other_force
):
    MembershipFactory(user=owner, force=other_force, role="owner")
    response = manager_client.post(reverse("accounts:deactivate", args=[owner.pk]), follow=True)
    owner.refresh_from_db()
    assert owner.is_active
    assert "also works for a force" in response.text


def test_a_locked_account_is_shown_and_unlocked(
    manager_client, owner, with_password, people_manager
):
    with_password(owner)
    from django.conf import settings

    browser = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        browser.post(reverse("account_login"), {"login": "owner", "password": "wrong-guess-here"})
        from django.core.cache import cache

        cache.clear()  # past the slowing, to the lockout
    assert sign_in(browser, owner).status_code == 429
    listing = manager_client.get(reverse("accounts:people"))
    assert next(p for p in listing.context["rows"] if p == owner).status_text == "Locked"
    manager_client.post(reverse("accounts:unlock", args=[owner.pk]))
    assert sign_in(browser, owner)["Location"] == reverse("actions:home")
    assert Event.objects.get(verb="auth.unlock").actor == people_manager


def test_a_lost_phone_is_reset_and_set_up_again(
    manager_client, coordinator, with_password, two_factor_on
):
    with_password(coordinator)
    theirs = Client()
    sign_in(theirs, coordinator)
    set_up_totp(theirs)
    session = manager_client.session
    session["peeltrack_2fa_ok"] = True  # the manager signed in with their own second factor
    session.save()
    manager_client.post(reverse("accounts:reset-2fa", args=[coordinator.pk]))
    assert not coordinator.authenticator_set.exists()
    assert theirs.get(reverse("actions:home")).status_code == 302  # signed out
    sign_in(theirs, coordinator)
    assert theirs.get(reverse("actions:home"))["Location"] == reverse("mfa_activate_totp")
