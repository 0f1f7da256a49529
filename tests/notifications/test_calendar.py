"""The personal calendar feed: what it lists, who it answers, and turning it on and off."""

import datetime as dt
import re

import icalendar
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from notifications.calendar import feed_turn_off, feed_turn_on
from notifications.models import CalendarFeed
from tests.factories import (
    ActionFactory,
    BoardFactory,
    FindingFactory,
    InspectionFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


def _get(client, token):
    return client.get(reverse("calendar-feed", args=[token]))


def _events(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in cal.walk("VEVENT")}


def test_the_feed_lists_my_open_actions_and_my_boards_meetings_only(
    client, owner, teammate, coordinator, board, outsider, finding, other_force
):
    board.members.add(owner)
    mine = ActionFactory(finding=finding, owner=owner, title="Clear the vetting backlog")
    ActionFactory(finding=finding, owner=owner, status="closed", title="Done already")
    ActionFactory(finding=finding, owner=owner, due_date=None, title="No date yet")
    ActionFactory(finding=finding, owner=teammate, title="Someone else's")
    meeting = MeetingFactory(board=board, title="December board")
    MeetingFactory(board=BoardFactory(force=board.force, name="Not my board"))
    # Another force's work, even in a board of theirs owner somehow sits on.
    theirs = FindingFactory(inspection=InspectionFactory(force=other_force))
    ActionFactory(finding=theirs, owner=outsider, title="Wiltshire's")
    elsewhere = BoardFactory(force=other_force, name="Wiltshire board", members=[owner])
    MeetingFactory(board=elsewhere, title="Wiltshire meeting")

    token = feed_turn_on(user=owner)
    events = _events(_get(client, token))

    assert set(events) == {f"action-{mine.pk}@testserver", f"meeting-{meeting.pk}@testserver"}
    due = events[f"action-{mine.pk}@testserver"]
    assert due["SUMMARY"] == "Due: Clear the vetting backlog"
    assert due.decoded("DTSTART") == mine.due_date  # all day: a date, not a time
    assert due.decoded("DTEND") == mine.due_date + dt.timedelta(days=1)
    assert f"http://testserver/actions/{mine.pk}/" in str(due["DESCRIPTION"])
    assert "Status: Not started" in str(due["DESCRIPTION"])
    assert due.decoded("DTSTAMP") == mine.updated_at.replace(microsecond=0)
    held = events[f"meeting-{meeting.pk}@testserver"]
    assert held["SUMMARY"] == "December board"
    assert held.decoded("DTSTART") == meeting.date
    assert "Management board" in str(held["DESCRIPTION"])


def test_a_new_due_date_changes_the_event_and_keeps_its_uid(client, owner, coordinator, action):
    token = feed_turn_on(user=owner)
    before = _events(_get(client, token))[f"action-{action.pk}@testserver"]
    new_date = action.due_date + dt.timedelta(days=30)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        action.edit(by=coordinator, changes={"due_date": new_date}, reason="Board agreed")
    after = _events(_get(client, token))[f"action-{action.pk}@testserver"]
    assert after.decoded("DTSTART") == new_date
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
    assert after.decoded("SEQUENCE") > before.decoded("SEQUENCE")


def test_the_feed_is_private_and_not_cached(client, owner, action):
    response = _get(client, feed_turn_on(user=owner))
    assert response["Cache-Control"] == "private, no-store"
    assert not response.cookies.get("sessionid")


def test_only_a_hash_of_the_token_is_kept_and_the_token_is_long(owner):
    token = feed_turn_on(user=owner)
    assert len(token) >= 43  # 32 random bytes, URL-safe
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    stored = CalendarFeed.objects.get(user=owner)
    assert token not in stored.digest
    assert len(stored.digest) == 64


def test_an_unknown_reset_or_revoked_token_answers_404(client, owner, action):
    assert _get(client, "x" * 43).status_code == 404
    assert _get(client, "y" * 500).status_code == 404
    first = feed_turn_on(user=owner)
    second = feed_turn_on(user=owner, reset=True)
    assert _get(client, first).status_code == 404
    assert _get(client, second).status_code == 200
    feed_turn_off(user=owner, by=owner)
    assert _get(client, second).status_code == 404


def test_someone_who_has_left_gets_404(client, owner, teammate, action):
    token = feed_turn_on(user=owner)
    owner.is_active = False
    owner.save()
    assert _get(client, token).status_code == 404
    # Active, but no longer in any force.
    token = feed_turn_on(user=teammate)
    teammate.memberships.all().delete()
    assert _get(client, token).status_code == 404


def test_the_feed_records_when_it_was_last_read(client, owner, action):
    token = feed_turn_on(user=owner)
    assert CalendarFeed.objects.get(user=owner).last_used_at is None
    _get(client, token)
    assert CalendarFeed.objects.get(user=owner).last_used_at is not None


@pytest.mark.parametrize("count", [5, 50])
def test_the_feed_costs_the_same_queries_for_5_or_50_actions(
    client, owner, board, finding, count, django_assert_num_queries
):
    board.members.add(owner)
    ActionFactory.create_batch(count, finding=finding, owner=owner)
    MeetingFactory.create_batch(3, board=board)
    token = feed_turn_on(user=owner)
    # feed and user, forces, actions, meetings with their boards, last read
    with django_assert_num_queries(5):
        events = _events(_get(client, token))
    assert len(events) == count + 3


def test_the_account_page_turns_the_feed_on_resets_it_and_off_audited(client, owner, action):
    client.force_login(owner)
    page = client.get(reverse("account-security"))
    assert "Calendar feed" in page.text and "Turn on" in page.text

    shown = client.post(reverse("notifications:calendar"), {"feed": "on"})
    assert shown.status_code == 200
    address = re.search(r'id="calendar-address" [^>]*value="([^"]+)"', shown.text).group(1)
    assert address.startswith("http://testserver/calendar/") and address.endswith(".ics")
    assert client.get(address).status_code == 200
    assert Event.objects.filter(verb="calendar.on", actor=owner).count() == 1

    page = client.get(reverse("account-security"))
    assert "Reset" in page.text and "Turn off" in page.text
    assert address not in page.text  # shown once

    reset = client.post(reverse("notifications:calendar"), {"feed": "reset"})
    new_address = re.search(r'id="calendar-address" [^>]*value="([^"]+)"', reset.text).group(1)
    assert new_address != address
    assert client.get(address).status_code == 404
    assert client.get(new_address).status_code == 200
    assert Event.objects.filter(verb="calendar.reset", actor=owner).count() == 1

    off = client.post(reverse("notifications:calendar"), {"feed": "off"})
    assert off.status_code == 302
    assert client.get(new_address).status_code == 404
    assert Event.objects.filter(verb="calendar.off", actor=owner).count() == 1
    assert not CalendarFeed.objects.filter(user=owner).exists()

    again = client.post(reverse("notifications:calendar"), {"feed": "off"}, follow=True)
    assert "already off" in again.text
    assert Event.objects.filter(verb="calendar.off", actor=owner).count() == 1


def test_the_settings_refuse_a_wrong_choice_and_need_sign_in(client, owner):
    response = client.post(reverse("notifications:calendar"), {"feed": "on"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert not CalendarFeed.objects.exists()
    client.force_login(owner)
    wrong = client.post(reverse("notifications:calendar"), {"feed": "sideways"}, follow=True)
    assert "Choose to turn your calendar feed on" in wrong.text
    assert not CalendarFeed.objects.exists()
    assert client.get(reverse("notifications:calendar")).status_code == 302


def test_signing_out_everywhere_turns_the_feed_off(client, owner, action):
    token = feed_turn_on(user=owner)
    client.force_login(owner)
    client.post(reverse("account-security"), {"everywhere": "1"})
    assert _get(client, token).status_code == 404
    assert not CalendarFeed.objects.filter(user=owner).exists()
    off = Event.objects.get(verb="calendar.off")
    assert off.actor == owner and "revoked" in off.summary


def test_deactivating_someone_turns_their_feed_off(owner, coordinator, action):
    from accounts.context import acting_as

    feed_turn_on(user=owner)
    with acting_as(coordinator):
        owner.is_active = False
        owner.save()
    assert not CalendarFeed.objects.filter(user=owner).exists()
    assert Event.objects.get(verb="calendar.off").actor == coordinator
