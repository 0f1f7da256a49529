"""Notification pages: the inbox and unread count, preferences, and the coordinators' page."""

import datetime as dt
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from forces.models import Membership
from notifications.models import Notification, Preference
from tests.factories import ActionFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


SEQUENCE = itertools.count(1)


def notify(user, *, action=None, channel="in_app", status="sent", **fields):
    """Store a notification directly (the rules are tested elsewhere)."""
    n = next(SEQUENCE)
    return Notification.objects.create(
        recipient=user,
        force_id=action.force_id if action else None,
        rule=fields.pop("rule", "due_soon"),
        action=action,
        channel=channel,
        for_date=timezone.localdate(),
        subject=fields.pop("subject", f"Due in 7 days: reminder {n}"),
        body=fields.pop("body", "Your action is due in 7 days.\n\n- first point\n- second"),
        status=status,
        dedupe_key=f"test:{n}:{channel}",
        **fields,
    )


# --- the inbox -----------------------------------------------------------------------------


def test_the_header_shows_the_unread_count(client, owner, action):
    notify(owner, action=action)
    notify(owner, action=action)
    notify(owner, action=action, read_at=timezone.now())
    client.force_login(owner)
    response = client.get(reverse("actions:home"))
    assert "Notifications (2 unread)" in response.text
    assert reverse("notifications:list") in response.text
    page = client.get(reverse("notifications:list"))
    assert "You have 2 unread notifications." in page.text
    Notification.objects.filter(recipient=owner, read_at__isnull=True).first().delete()
    page = client.get(reverse("notifications:list"))
    assert "You have 1 unread notification." in page.text


def test_the_unread_count_costs_nothing_where_it_is_not_shown(
    client, owner, action, django_assert_num_queries
):
    notify(owner, action=action)
    client.force_login(owner)
    # session, user: the admin login redirect renders no header
    with django_assert_num_queries(2):
        client.get(reverse("admin:index"))


def test_the_inbox_lists_only_my_notifications(client, owner, teammate, action):
    mine = notify(owner, action=action, subject="Mine")
    notify(teammate, action=action, subject="Someone else's")
    notify(owner, action=action, channel="email", subject="An email copy")
    client.force_login(owner)
    response = client.get(reverse("notifications:list"))
    assert "Mine" in response.text
    assert "Someone else" not in response.text
    assert "An email copy" not in response.text
    assert reverse("notifications:open", args=[mine.pk]) in response.text
    assert "<li>first point</li>" in response.text  # the body's list, as a list
    assert "Unread" in response.text  # in words, not only bold


def test_marking_one_as_read(client, owner, action):
    notification = notify(owner, action=action)
    client.force_login(owner)
    response = client.post(reverse("notifications:read", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    page = client.get(reverse("notifications:list"))
    assert "Notifications (" not in page.text.split("<main")[0]


def test_following_a_notification_marks_it_read(client, owner, action):
    notification = notify(owner, action=action)
    client.force_login(owner)
    response = client.get(reverse("notifications:open", args=[notification.pk]))
    assert response.url == reverse("actions:detail", args=[action.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_someone_elses_notification_is_not_found(client, owner, teammate, outsider, action):
    notification = notify(owner, action=action)
    for person in (teammate, outsider):
        client.force_login(person)
        url = reverse("notifications:read", args=[notification.pk])
        assert client.post(url).status_code == 404
        assert client.get(reverse("notifications:open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_marking_all_as_read_leaves_other_peoples_alone(client, owner, teammate, action):
    notify(owner, action=action)
    notify(owner, action=action)
    theirs = notify(teammate, action=action)
    client.force_login(owner)
    response = client.post(reverse("notifications:read_all"), follow=True)
    assert "2 notifications marked as read." in response.text
    assert not Notification.objects.filter(recipient=owner, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_unread_only_filter(client, owner, action):
    notify(owner, action=action, subject="Still to read")
    notify(owner, action=action, subject="Already read", read_at=timezone.now())
    client.force_login(owner)
    response = client.get(reverse("notifications:list"), {"unread": "1"})
    assert "Still to read" in response.text
    assert "Already read" not in response.text


def test_marking_as_read_needs_a_post(client, owner, action):
    notification = notify(owner, action=action)
    client.force_login(owner)
    assert client.get(reverse("notifications:read", args=[notification.pk])).status_code == 405


@pytest.mark.parametrize("rows", [5, 50])
def test_the_inbox_costs_the_same_queries_for_5_or_50_rows(
    client, owner, action, rows, django_assert_max_num_queries
):
    for _ in range(rows):
        notify(owner, action=action)
    client.force_login(owner)
    # session, user, memberships (nav), unread count (header), count, page of rows
    with django_assert_max_num_queries(6):
        assert client.get(reverse("notifications:list")).status_code == 200


# --- preferences ---------------------------------------------------------------------------


def test_choosing_a_daily_digest_is_saved_and_audited(client, owner):
    client.force_login(owner)
    page = client.get(reverse("notifications:preferences"))
    assert "30, 7, 1, 0 days before" in page.text  # the force's rules, in words
    response = client.post(reverse("notifications:preferences"), {"email": "daily"}, follow=True)
    assert "Your email preference was saved." in response.text
    assert Preference.objects.get(user=owner).email == "daily"
    event = Event.objects.get(verb="notifications.preference")
    assert event.actor == owner
    assert event.changes == {"email": [None, "daily"]}


def test_an_invalid_preference_is_explained(client, owner):
    client.force_login(owner)
    response = client.post(reverse("notifications:preferences"), {"email": "hourly"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not Preference.objects.exists()


# --- the coordinators' page ----------------------------------------------------------------


def test_only_coordinators_see_deliveries(client, owner, board_member, auditor):
    for person in (owner, board_member, auditor):
        client.force_login(person)
        assert client.get(reverse("notifications:deliveries")).status_code == 403


def test_coordinators_see_failed_emails_of_their_force_only(
    client, coordinator, owner, action, outsider, other_force
):
    failed = notify(
        owner,
        action=action,
        channel="email",
        status="failed",
        attempts=1,
        error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(coordinator)
    response = client.get(reverse("notifications:deliveries"))
    assert failed.subject in response.text
    assert "Connection unexpectedly closed" in response.text
    assert "Tried 1 of 3 times" in response.text
    assert "Send again" in response.text
    client.force_login(outsider)
    response = client.get(reverse("notifications:deliveries"))
    assert failed.subject not in response.text
    url = reverse("notifications:send_again", args=[failed.pk])
    assert client.post(url).status_code == 404


def test_sending_again_from_the_page(client, coordinator, owner, action, mailoutbox):
    failed = notify(owner, action=action, channel="email", status="failed", attempts=3)
    client.force_login(coordinator)
    response = client.post(reverse("notifications:send_again", args=[failed.pk]), follow=True)
    assert "is being sent again" in response.text
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert len(mailoutbox) == 1
    assert Event.objects.filter(verb="notification.resend", actor=coordinator).count() == 1


def test_sending_again_to_someone_who_left_is_refused(client, coordinator, owner, action):
    owner.is_active = False
    owner.save()
    skipped = notify(owner, action=action, channel="email", status="skipped", error="left")
    client.force_login(coordinator)
    response = client.post(reverse("notifications:send_again", args=[skipped.pk]), follow=True)
    assert "Not sent again" in response.text
    skipped.refresh_from_db()
    assert skipped.status == "skipped"


def test_actions_whose_owner_left_are_listed_for_reallocation(
    client, coordinator, owner, action, outsider
):
    owner.is_active = False
    owner.save()
    client.force_login(coordinator)
    response = client.get(reverse("notifications:deliveries"))
    assert action.title in response.text
    assert reverse("actions:edit", args=[action.pk]) in response.text
    client.force_login(outsider)
    assert action.title not in client.get(reverse("notifications:deliveries")).text


def test_actions_whose_owner_left_the_force_are_listed_for_reallocation(
    client, coordinator, owner, action
):
    Membership.objects.filter(user=owner).delete()  # moved to another force; still active
    client.force_login(coordinator)
    response = client.get(reverse("notifications:deliveries"))
    assert action.title in response.text
    assert "No longer a member of this force" in response.text
    assert reverse("actions:edit", args=[action.pk]) in response.text


def test_actions_whose_owner_is_still_in_the_force_are_not_listed_for_reallocation(
    client, coordinator, owner, action, other_force
):
    MembershipFactory(user=owner, force=other_force, role="owner")  # in two forces
    client.force_login(coordinator)
    response = client.get(reverse("notifications:deliveries"))
    assert action.title not in response.text


def test_notices_about_a_force_you_left_leave_your_inbox(client, owner, action):
    old = notify(owner, action=action, subject="Due in 7 days: old force's action")
    general = notify(owner, subject="A notice about no force")
    Membership.objects.filter(user=owner).delete()
    client.force_login(owner)
    response = client.get(reverse("notifications:list"))
    assert old.subject not in response.text
    assert general.subject in response.text
    assert client.get(reverse("notifications:open", args=[old.pk])).status_code == 404
    assert Notification.objects.visible_to(owner).unread().count() == 1


def test_the_coordinators_page_is_in_the_navigation(client, coordinator, owner):
    client.force_login(coordinator)
    assert reverse("notifications:deliveries") in client.get(reverse("actions:home")).text
    client.force_login(owner)
    assert reverse("notifications:deliveries") not in client.get(reverse("actions:home")).text


@pytest.mark.parametrize("rows", [5, 50])
def test_the_coordinators_page_costs_the_same_queries_for_5_or_50_rows(
    client, coordinator, finding, rows, django_assert_max_num_queries
):
    for n in range(rows):
        gone = UserFactory(username=f"gone{n}", is_active=False)
        action = ActionFactory(finding=finding, owner=gone, due_date=dt.date(2030, 1, 1))
        notify(gone, action=action, channel="email", status="skipped", error="left")
        Event.record(None, "action.escalate", action, summary="Escalation", note="Sent to x.")
    client.force_login(coordinator)
    # session, user, memberships (nav), unread count, coordinator's forces, failed count,
    # failed page, owners who left, escalations, week's totals
    with django_assert_max_num_queries(11):
        response = client.get(reverse("notifications:deliveries"))
    assert response.status_code == 200
    assert response.text.count("(has left)") == min(rows, 50)
