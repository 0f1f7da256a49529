"""Notification pages: your notifications, your email preference, and the coordinators'
view of failed deliveries and actions whose owner has left."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from actions.models import Action
from audit.models import Event
from forces.models import Membership

from . import services
from .forms import PreferenceForm
from .models import MAX_ATTEMPTS, Channel, Notification, Preference, ReminderRules

PAGE_SIZE = 50


def _back(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return fallback


@login_required
def notification_list(request):
    """Your notifications, newest first, unread ones marked in words."""
    notifications = Notification.objects.visible_to(request.user).in_app()
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notifications = notifications.filter(read_at__isnull=True)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "query": "unread=1" if unread_only else "",
        # A number here (the header's is counted lazily), used by the page and the header.
        "unread_notifications": Notification.objects.visible_to(request.user).unread().count(),
    }
    return render(request, "notifications/notification_list.html", context)


@login_required
def open_notification(request, pk):
    """Follow a notification to what it is about, marking it read on the way.

    A GET that changes state, as in any inbox: it only sets read_at, and only on the
    reader's own notification, so following a link is all it takes.
    """
    notification = get_object_or_404(Notification.objects.visible_to(request.user).in_app(), pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.link)


@login_required
@require_POST
def mark_read(request, pk):
    notification = get_object_or_404(Notification.objects.visible_to(request.user).in_app(), pk=pk)
    services.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(_back(request, "notifications:list"))


@login_required
@require_POST
def mark_all_read(request):
    count = services.notifications_mark_read(user=request.user)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked as read.")
    return redirect("notifications:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    """Immediate emails or a daily digest, and the reminder rules of the user's forces."""
    preference = Preference.for_user(request.user)
    form = PreferenceForm(request.POST or None, initial={"email": preference.email})
    if request.method == "POST" and form.is_valid():
        services.preference_set(user=request.user, email=form.cleaned_data["email"])
        messages.success(request, "Your email preference was saved.")
        return redirect("notifications:preferences")
    forces = {m.force_id: m.force for m in request.user.memberships.select_related("force")}
    saved = ReminderRules.objects.filter(force_id__in=forces).in_bulk(field_name="force_id")
    rules = [(force, saved.get(pk, ReminderRules())) for pk, force in sorted(forces.items())]
    context = {"form": form, "rules": rules}
    return render(request, "notifications/preferences.html", context)


def _chased_forces(user) -> list[int] | None:
    """Forces whose deliveries user oversees; None means all (superuser). 403 for others."""
    if user.is_superuser:
        return None
    forces = list(
        Membership.objects.filter(user=user, role="coordinator").values_list("force_id", flat=True)
    )
    if not forces:
        raise PermissionDenied("Only coordinators see reminder deliveries.")
    return forces


@login_required
def deliveries(request):
    """For coordinators: emails that failed, actions whose owner has left (the service or
    the force), recent escalations."""
    forces = _chased_forces(request.user)
    undelivered = (
        Notification.objects.undelivered()
        .for_forces(forces)
        .select_related("recipient", "action", "meeting")
    )
    # Owners who left: their account was closed, or they no longer belong to the force.
    owner_in_force = Membership.objects.filter(
        user_id=OuterRef("owner_id"), force_id=OuterRef("finding__inspection__force_id")
    )
    left = (
        Action.objects.visible_to(request.user)
        .open()
        .filter(owner__isnull=False)
        .annotate(owner_in_force=Exists(owner_in_force))
        .filter(Q(owner__is_active=False) | Q(owner_in_force=False))
        .select_related("owner", "finding__inspection")
        .order_by("due_date", "pk")
    )
    if forces is not None:
        left = left.filter(finding__inspection__force_id__in=forces)
    since = timezone.now() - dt.timedelta(days=30)
    escalations = Event.objects.visible_to(request.user).filter(
        verb="action.escalate", created_at__gte=since
    )
    if forces is not None:
        escalations = escalations.filter(force_id__in=forces)
    week = (
        Notification.objects.email()
        .for_forces(forces)
        .filter(created_at__gte=timezone.now() - dt.timedelta(days=7))
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
    )
    context = {
        "page": Paginator(undelivered, PAGE_SIZE).get_page(request.GET.get("page")),
        "left": left,
        "escalations": escalations[:PAGE_SIZE],
        "week": {row["status"]: row["n"] for row in week},
        "max_attempts": MAX_ATTEMPTS,
    }
    return render(request, "notifications/deliveries.html", context)


@login_required
@require_POST
def send_again(request, pk):
    forces = _chased_forces(request.user)
    notification = get_object_or_404(
        Notification.objects.filter(channel=Channel.EMAIL)
        .for_forces(forces)
        .select_related("recipient"),
        pk=pk,
    )
    try:
        services.notification_send_again(notification=notification, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"The email “{notification.subject}” is being sent again.")
    return redirect("notifications:deliveries")


def leaver_open_actions(person, force_ids) -> list[dict]:
    """For the People pages: a deactivated person's open actions wait on this page."""
    from django.urls import reverse

    from actions.models import Action

    actions = Action.objects.filter(owner=person).open()
    if force_ids is not None:
        actions = actions.filter(finding__inspection__force_id__in=force_ids)
    count = actions.count()
    if not count:
        return []
    noun = "action" if count == 1 else "actions"
    return [
        {
            "text": f"They own {count} open {noun}: coordinators see them on the Reminders "
            "page, to give each a new owner.",
            "url": reverse("notifications:deliveries"),
        }
    ]
