"""No input gives a 500: dates that overflow, text over its limit, NUL bytes and raw
parameters are refused with a message (ui/limits.py, peeltrack/input.py)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from actions.models import Update
from audit.models import Event
from governance.models import ExtensionRequest
from tests.factories import UpdateFactory
from ui.limits import DATE_RANGE_MESSAGE, NOTE_MAX, RATIONALE_MAX

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"
MEGABYTE = "x" * (1024 * 1024)


def _date(prefix, day, month, year):
    return {f"{prefix}_0": day, f"{prefix}_1": month, f"{prefix}_2": year}


def _in_three_months(prefix):
    day = timezone.localdate() + dt.timedelta(days=90)
    return _date(prefix, day.day, day.month, day.year)


# --- dates ---------------------------------------------------------------------------------


def _date_forms(action, finding, board, force):
    """(who, url, data without the date, the date's field name) for every form with a date."""
    action_fields = {"title": "Plan", "priority": "high", "version": action.version}
    return [
        ("coordinator", reverse("actions:create", args=[finding.pk]), action_fields, "due_date"),
        ("coordinator", reverse("actions:edit", args=[action.pk]), action_fields, "due_date"),
        ("coordinator", reverse("actions:edit", args=[action.pk]), action_fields, "start_date"),
        (
            "owner",
            reverse("actions:evidence_add", args=[action.pk]),
            {"url": "https://example.org/policy", "description": "Policy", "marking": "OFFICIAL"},
            "effective_date",
        ),
        (
            "owner",
            reverse("governance:extension", args=[action.pk]),
            {"reason": "More time"},
            "new_due_date",
        ),
        ("board_member", reverse("governance:board", args=[board.pk]), {"title": "Q3"}, "date"),
        (
            "coordinator",
            reverse("inspections:add"),
            {"force": force.pk, "kind": "letter", "programme": "Letter"},
            "published",
        ),
    ]


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("1", "1", HUGE, DATE_RANGE_MESSAGE),
        (HUGE, "1", "2030", "The day must be a number from 1 to 31"),
        ("1", HUGE, "2030", "The month must be a number from 1 to 12"),
        ("1", "1", "9" * 5000, "Enter a real date"),  # more digits than int() reads
        ("0", "0", "0", "The month must be a number from 1 to 12"),
        ("31", "2", "2030", "Enter a real date"),
        ("1", "1", "1999", DATE_RANGE_MESSAGE),
        ("1", "1", "2101", DATE_RANGE_MESSAGE),
    ],
)
def test_every_date_box_refuses_dates_that_cannot_be_meant(
    client,
    request,
    overseen_action,
    coordinator,
    owner,
    board_member,
    force,
    day,
    month,
    year,
    message,
):
    action = overseen_action
    cast = {"coordinator": coordinator, "owner": owner, "board_member": board_member}
    for who, url, data, field in _date_forms(action, action.finding, action.finding.board, force):
        client.force_login(cast[who])
        response = client.post(url, {**data, **_date(field, day, month, year)})
        assert response.status_code == 400, (url, field, response.status_code)
        assert message in response.text, (url, field)


def test_a_date_in_range_still_goes_through(client, owner, overseen_action):
    client.force_login(owner)
    response = client.post(
        reverse("governance:extension", args=[overseen_action.pk]),
        {"reason": "More time", **_in_three_months("new_due_date")},
    )
    assert response.status_code == 302
    assert ExtensionRequest.objects.filter(action=overseen_action).exists()


def test_the_api_refuses_dates_out_of_range(client, coordinator, action):
    client.force_login(coordinator)
    response = client.patch(
        f"/api/v1/actions/{action.pk}/",
        {"due_date": "9999-12-31", "version": action.version},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["due_date"] == [DATE_RANGE_MESSAGE]


# --- text limits ---------------------------------------------------------------------------


def test_a_1_mb_note_is_refused_on_the_page(client, owner, action):
    client.force_login(owner)
    response = client.post(
        reverse("actions:update", args=[action.pk]),
        {"note": MEGABYTE, "version": action.version},
    )
    assert response.status_code == 400
    assert f"Enter {NOTE_MAX:,} characters or fewer" in response.text
    assert not Update.objects.exists()


def test_a_1_mb_note_is_refused_by_the_api(client, owner, action):
    client.force_login(owner)
    response = client.post(
        f"/api/v1/actions/{action.pk}/updates/", {"note": MEGABYTE}, content_type="application/json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["note"]
    assert not Update.objects.exists()


def test_a_long_rationale_is_refused_but_4000_characters_are_fine(
    client, board_member, overseen_action
):
    from actions.models import Action

    Action.objects.filter(pk=overseen_action.pk).update(status="submitted")
    client.force_login(board_member)
    url = reverse("governance:decide", args=[overseen_action.pk])
    too_long = client.post(
        url, {"outcome": "return", "rationale": "x" * (RATIONALE_MAX + 1), "version": 1}
    )
    assert too_long.status_code == 400
    assert f"Enter {RATIONALE_MAX:,} characters or fewer" in too_long.text
    fine = client.post(url, {"outcome": "return", "rationale": "y" * 4000, "version": 1})
    assert fine.status_code == 302


def test_the_model_refuses_text_over_its_limit_whichever_door_it_came_by(
    action, owner, coordinator
):
    with pytest.raises(ValidationError) as refused:
        UpdateFactory(action=action, author=owner, note="x" * (NOTE_MAX + 1))
    assert list(refused.value.message_dict) == ["note"]
    with pytest.raises(ValidationError):
        action.apply_update(by=owner, note="x" * (NOTE_MAX + 1))
    with pytest.raises(ValidationError):
        action.edit(by=coordinator, changes={"description": "y" * 10**6}, expected_version=1)


# --- NUL bytes and raw parameters ------------------------------------------------------------


def test_a_nul_byte_in_an_export_query_is_refused_before_the_database(client, auditor, action):
    client.force_login(auditor)
    response = client.get("/exports/actions.csv?foo=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.text
    assert not Event.objects.filter(verb__startswith="export").exists()


def test_only_validated_filters_go_into_the_export_event(client, auditor, action):
    client.force_login(auditor)
    response = client.get(
        "/exports/actions.csv", {"status": "not_started", "foo": "anything", "page": "2"}
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    event = Event.objects.get(verb="export.actions")
    assert event.data["filters"] == {"status": ["not_started"]}
    assert event.data["path"] == "/exports/actions.csv?status=not_started"


def test_a_nul_byte_in_a_form_is_refused(client, owner, action):
    client.force_login(owner)
    response = client.post(
        reverse("actions:update", args=[action.pk]), {"note": "a\x00b", "version": 1}
    )
    assert response.status_code == 400
    assert "NUL" in response.text
    assert not Update.objects.exists()


def test_the_api_names_the_parameter_with_a_nul_byte(client, coordinator, action):
    client.force_login(coordinator)
    response = client.get("/api/v1/actions/", {"q": "vetting\x00"})
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "q": ["Remove the character that is not allowed (a NUL byte)"]
    }


def test_a_huge_query_value_is_refused(client, coordinator, action):
    client.force_login(coordinator)
    response = client.get(reverse("actions:list"), {"q": MEGABYTE})
    assert response.status_code == 400
    assert "characters or fewer" in response.text


def test_a_version_too_big_to_be_real_is_refused_as_invalid(client, owner, action):
    client.force_login(owner)
    response = client.post(
        reverse("actions:update", args=[action.pk]), {"note": "x", "version": "9" * 30}
    )
    assert response.status_code == 400
    assert not Update.objects.exists()
