"""Your calendar feed: a secret, revocable iCalendar address (no session needed) with the
due dates of the open actions you own and the meetings of the boards you sit on, in your
own forces only. Turning it on, resetting and turning it off are audited POSTs from
"Your account"; the address is shown once, as only its hash is kept."""

import datetime as dt
import hashlib
import secrets

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from actions.models import Action, Status
from audit.models import Event
from forces.roles import force_ids_for
from governance.models import Meeting

from .models import CalendarFeed

# 32 random bytes, URL-safe: 43 characters nobody guesses.
TOKEN_BYTES = 32
# Meetings this far back stay in the feed, so last month's still shows in the calendar.
PAST_MEETING_DAYS = 90
PRODID = "-//PEELtrack//Calendar feed//EN"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_turn_on(*, user, reset: bool = False) -> str:
    """Give user a new feed token (a reset replaces the old one, which stops at once);
    returns the token, which is not stored."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    with transaction.atomic():
        feed, created = CalendarFeed.objects.update_or_create(
            user=user,
            defaults={"digest": _digest(token), "created_at": timezone.now(), "last_used_at": None},
        )
        if created:
            verb, summary = "calendar.on", "Calendar feed turned on"
        else:
            verb, summary = "calendar.reset", "Calendar feed reset: the old address stopped"
        Event.record(user, verb, feed, summary=summary, asked="reset" if reset else "on")
    return token


def feed_turn_off(*, user, by, reason: str = "") -> bool:
    """Remove user's feed (by is who did it: user, a people manager, or None); False if
    there was none."""
    with transaction.atomic():
        feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
        if feed is None:
            return False
        summary = "Calendar feed turned off" + (f": {reason}" if reason else "")
        Event.record(by, "calendar.off", feed, summary=summary)
        feed.delete()
    return True


def feed_revoke(sender, *, person, by=None, **kwargs):
    """accounts.people.credentials_revoked: every secret of person goes, this one too."""
    feed_turn_off(user=person, by=by, reason="every session and token was revoked")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request):
    """POST turn on, reset or turn off; the new address is shown on this response only."""
    if request.method == "GET":
        return redirect(reverse("account-security") + "#calendar-feed")
    choice = request.POST.get("feed", "")
    if choice == "off":
        if feed_turn_off(user=request.user, by=request.user):
            messages.success(request, "Your calendar feed is off. Its address no longer works.")
        else:
            messages.info(request, "Your calendar feed was already off.")
        return redirect(reverse("account-security") + "#calendar-feed")
    if choice not in ("on", "reset"):
        messages.error(request, "Choose to turn your calendar feed on, reset it or turn it off.")
        return redirect(reverse("account-security") + "#calendar-feed")
    try:
        token = feed_turn_on(user=request.user, reset=choice == "reset")
    except IntegrityError:
        # Two presses at once: the other one won; its address is the one that works.
        messages.error(request, "Your calendar feed changed at the same time. Try again.")
        return redirect(reverse("account-security") + "#calendar-feed")
    address = request.build_absolute_uri(reverse("calendar-feed", args=[token]))
    context = {"title": "Your calendar feed", "address": address, "reset": choice == "reset"}
    return render(request, "notifications/calendar_feed.html", context)


def _ical_text(value: str) -> str:
    return " ".join(value.split())


def build_calendar(user, *, base_url: str) -> icalendar.Calendar:
    """The user's calendar: open actions they own with a due date, and their boards'
    meetings from PAST_MEETING_DAYS ago on; only in the forces they belong to."""
    now = timezone.now()
    host = base_url.split("://", 1)[-1].rstrip("/") or "peeltrack"
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "PEELtrack")
    cal.add("x-published-ttl", "PT1H")

    actions = (
        Action.objects.visible_to(user)
        .open()
        .filter(owner=user, due_date__isnull=False)
        .only("pk", "title", "status", "due_date", "updated_at", "version")
        .order_by("due_date", "pk")
    )
    statuses = dict(Status.choices)
    for action in actions:
        event = icalendar.Event()
        event.add("uid", f"action-{action.pk}@{host}")
        # DTSTAMP and LAST-MODIFIED move with the action (a new due date saves it), and
        # SEQUENCE with its version, so calendars replace the old entry.
        event.add("dtstamp", action.updated_at)
        event.add("last-modified", action.updated_at)
        event.add("sequence", action.version)
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + dt.timedelta(days=1))
        event.add("summary", f"Due: {_ical_text(action.title)}")
        url = base_url + action.get_absolute_url()
        event.add("url", url)
        event.add(
            "description",
            f"Status: {statuses.get(action.status, action.status)}\n{url}",
        )
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)

    forces = force_ids_for(user)
    meetings = Meeting.objects.filter(
        board__members=user, date__gte=timezone.localdate() - dt.timedelta(PAST_MEETING_DAYS)
    )
    if forces is not None:
        meetings = meetings.filter(board__force_id__in=forces)
    for meeting in meetings.select_related("board").order_by("date", "pk"):
        event = icalendar.Event()
        event.add("uid", f"meeting-{meeting.pk}@{host}")
        event.add("dtstamp", now)
        event.add("dtstart", meeting.date)
        event.add("dtend", meeting.date + dt.timedelta(days=1))
        event.add("summary", _ical_text(meeting.title or f"{meeting.board.name} meeting"))
        url = base_url + meeting.get_absolute_url()
        event.add("url", url)
        event.add("description", f"Board: {meeting.board.name}\n{url}")
        cal.add_component(event)
    return cal


@require_GET
def feed(request, token):
    """The feed itself, for calendar programs: the token is the only key. An unknown,
    revoked or reset token, or a person who has left, is answered 404."""
    if len(token) > 100:
        raise Http404
    found = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=_digest(token), user__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    user = found.user
    if not user.is_superuser and not force_ids_for(user):
        raise Http404  # Active but in no force: they have left every force.
    cal = build_calendar(user, base_url=request.build_absolute_uri("/").rstrip("/"))
    CalendarFeed.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = 'inline; filename="peeltrack.ics"'
    return response
