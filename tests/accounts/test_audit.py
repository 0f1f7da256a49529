"""Security events and every change to people's access are in the audit trail, whoever
makes them and however: the People pages, the Django admin's own user pages, a shell."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.context import acting_as
from audit.models import Event
from forces.models import Membership
from tests.factories import BoardFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_making_someone_a_superuser_in_the_admin_is_audited(client, superuser, owner, force):
    client.force_login(superuser)
    response = client.post(
        reverse("admin:auth_user_change", args=[owner.pk]),
        _user_form(owner, is_staff="on", is_superuser="on"),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get(verb="user.edit", object_id=str(owner.pk))
    assert event.actor == superuser
    assert event.changes["is_superuser"] == [False, True]
    assert event.changes["is_staff"] == [False, True]
    assert event.summary == "Made staff (back office); Made superuser"
    assert event.data["via"] == "admin:auth_user_change"
    assert event.force == force  # filed where the force's auditors see it


def test_setting_a_password_in_the_admin_is_audited_and_ends_their_sessions(
    client, superuser, owner
):
    from django.test import Client

    from tests.accounts.conftest import PASSWORD, sign_in

    owner.set_password(PASSWORD)
    owner.save()
    theirs = Client()
    sign_in(theirs, owner)
    client.force_login(superuser)
    client.post(
        reverse("admin:auth_user_password_change", args=[owner.pk]),
        {
            "password1": "admin chosen phrase",
            "password2": "admin chosen phrase",
            "usable_password": "true",
        },
    )
    event = Event.objects.filter(verb="auth.password_change").latest("pk")
    assert event.summary == "Password set in the back office"
    assert event.actor == superuser
    assert theirs.get(reverse("actions:home")).status_code == 302


def test_staff_cannot_raise_anyone_or_touch_a_superuser(client, owner, superuser):
    staff = UserFactory(username="helpdesk", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_user", "change_user"])
    )
    client.force_login(staff)
    client.post(
        reverse("admin:auth_user_change", args=[staff.pk]),
        _user_form(staff, is_staff="on", is_superuser="on"),
    )
    staff.refresh_from_db()
    assert not staff.is_superuser
    # A superuser's page is read-only to them: no changing the email to reset the password.
    client.post(
        reverse("admin:auth_user_change", args=[superuser.pk]),
        _user_form(superuser, email="helpdesk@example.com"),
    )
    superuser.refresh_from_db()
    assert superuser.email != "helpdesk@example.com"
    form = client.get(reverse("admin:auth_user_change", args=[owner.pk])).text
    assert 'name="is_superuser"' not in form


def test_role_changes_are_audited_wherever_they_are_made(owner, force, coordinator):
    with acting_as(coordinator):
        membership = Membership.objects.create(user=owner, force=force, role="auditor")
        membership.team = "Internal audit"
        membership.save()
        membership.delete()
    verbs = list(
        Event.objects.filter(data__user_id=owner.pk).order_by("pk").values_list("verb", "actor")
    )
    assert verbs[-3:] == [
        ("membership.create", coordinator.pk),
        ("membership.edit", coordinator.pk),
        ("membership.delete", coordinator.pk),
    ]


def test_a_change_with_no_one_named_is_the_systems(owner, force):
    Membership.objects.create(user=owner, force=force, role="auditor")
    event = Event.objects.filter(verb="membership.create").latest("pk")
    assert event.actor is None
    assert event.data["via"] == "system"


def test_board_seats_are_audited_from_either_side(owner, force, coordinator):
    board = BoardFactory(force=force, name="Ethics committee")
    with acting_as(coordinator):
        board.members.add(owner)
        owner.boards.remove(board)
    added = Event.objects.get(verb="board.member_add")
    removed = Event.objects.get(verb="board.member_remove")
    assert added.actor == removed.actor == coordinator
    assert added.force == force
    assert "given a seat on Ethics committee" in added.summary
    assert removed.changes["members"] == [owner.username, None]


def test_board_seats_given_in_the_admin_are_audited(client, superuser, owner, force):
    board = BoardFactory(force=force, name="Ethics committee")
    client.force_login(superuser)
    client.post(
        reverse("admin:forces_board_change", args=[board.pk]),
        {"force": force.pk, "name": board.name, "members": [owner.pk]},
    )
    event = Event.objects.get(verb="board.member_add")
    assert event.actor == superuser
    assert event.data["via"] == "admin:forces_board_change"


def test_back_office_groups_and_permissions_are_audited(owner, superuser):
    group = Group.objects.create(name="Helpdesk")
    with acting_as(superuser):
        owner.groups.add(group)
        owner.user_permissions.add(Permission.objects.get(codename="change_user"))
    assert Event.objects.get(verb="user.groups").changes["groups"] == [None, ["Helpdesk"]]
    assert Event.objects.get(verb="user.permissions").actor == superuser


def test_a_refusal_is_audited_without_what_was_sent(client, owner, coordinator, action):
    from actions.models import Action

    Action.objects.filter(pk=action.pk).update(status="submitted")
    client.force_login(owner)
    response = client.post(
        reverse("governance:decide", args=[action.pk]),
        {"outcome": "close", "rationale": "secret words", "version": 1},
    )
    assert response.status_code == 403
    event = Event.objects.get(verb="access.refuse")
    assert event.actor == owner
    assert event.data["path"] == reverse("governance:decide", args=[action.pk])
    assert event.data["method"] == "POST"
    assert "secret words" not in str(event.data) + event.summary


def test_an_api_refusal_is_audited_too(owner, action):
    from rest_framework.test import APIClient

    from accounts.models import token_create

    _token, secret = token_create(user=owner, name="Script")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = api.post(f"/api/v1/actions/{action.pk}/sign-off/", {"note": "x"}, format="json")
    assert response.status_code == 403
    assert Event.objects.get(verb="access.refuse").actor == owner


def test_an_anonymous_refusal_is_not_recorded(client):
    client.post(reverse("account_login"), {"login": "x", "password": "y"}, enforce_csrf_checks=True)
    from django.test import Client

    Client(enforce_csrf_checks=True).post(reverse("account_login"), {"login": "x"})
    assert not Event.objects.filter(verb="access.refuse").exists()
