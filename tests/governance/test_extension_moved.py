"""A due date changed while an extension request waits: the form warns and asks why, and
the board sees the date the request would really move."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import Event
from governance import services

pytestmark = pytest.mark.django_db


def _due(days):
    d = timezone.localdate() + dt.timedelta(days=days)
    return {"due_date_0": d.day, "due_date_1": d.month, "due_date_2": d.year}


@pytest.fixture
def waiting(overseen_action, owner):
    return services.extension_request(
        action=overseen_action,
        by=owner,
        new_due_date=overseen_action.due_date + dt.timedelta(days=30),
        reason="The supplier is late.",
    )


def _edit(client, action, **extra):
    return client.post(
        reverse("actions:edit", args=[action.pk]),
        {
            "title": action.title,
            "owner": action.owner_id,
            "priority": "medium",
            "version": action.version,
            **extra,
        },
    )


def test_the_edit_form_warns_of_a_waiting_extension_request(client, coordinator, waiting):
    client.force_login(coordinator)
    text = client.get(reverse("actions:edit", args=[waiting.action.pk])).text
    assert "the request is still waiting" in text


def test_changing_the_due_date_asks_why_and_keeps_the_reason(client, coordinator, waiting):
    action = waiting.action
    client.force_login(coordinator)
    refused = _edit(client, action, **_due(75))
    assert "Enter why the due date is changing" in refused.text
    saved = _edit(client, action, due_date_reason="Agreed with the owner.", **_due(75))
    assert saved.status_code == 302
    assert Event.objects.get(verb="action.edit").data["note"] == "Agreed with the owner."


def test_the_board_sees_the_new_from_date_of_a_waiting_request(
    client, coordinator, board_member, waiting
):
    action = waiting.action
    asked_from = action.due_date
    action.edit(by=coordinator, changes={"due_date": asked_from + dt.timedelta(days=10)})
    client.force_login(board_member)
    text = client.get(reverse("governance:extension_decide", args=[waiting.pk])).text
    assert "changed since the request was made" in text
    assert f"{asked_from + dt.timedelta(days=10):%-d %B %Y}" in text
    waiting.refresh_from_db()
    assert waiting.days_requested == 20


def test_a_request_overtaken_by_the_new_due_date_cannot_be_approved(
    coordinator, board_member, waiting
):
    action = waiting.action
    action.edit(by=coordinator, changes={"due_date": waiting.requested_due_date})
    with pytest.raises(ValidationError, match="no longer needed"):
        services.extension_decide(request=waiting, by=board_member, approve=True, rationale="Fine")
