import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Status
from governance.models import Decision, ExtensionRequest
from tests.factories import (
    ActionFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    MeetingFactory,
    UpdateFactory,
)

pytestmark = pytest.mark.django_db


def _submit(action):
    Action.objects.filter(pk=action.pk).update(status=Status.SUBMITTED, closing_summary="Done")
    action.refresh_from_db()
    return action


def test_the_review_queue_lists_what_the_member_may_decide(client, board_member, overseen_action):
    _submit(overseen_action)
    ExtensionRequestFactory(action=ActionFactory(finding=overseen_action.finding))
    client.force_login(board_member)
    response = client.get(reverse("governance:review"))
    assert overseen_action.title in response.text
    assert "Submitted for closure (1)" in response.text
    assert "Extension requests (1)" in response.text


def test_the_review_queue_leaves_out_other_boards(client, other_board_member, overseen_action):
    _submit(overseen_action)
    client.force_login(other_board_member)
    assert "Submitted for closure (0)" in client.get(reverse("governance:review")).text


def test_a_member_signs_off_from_the_decision_page(client, board_member, overseen_action):
    action = _submit(overseen_action)
    EvidenceFactory(action=action)
    client.force_login(board_member)
    page = client.get(reverse("governance:decide", args=[action.pk]))
    assert "vetting-policy.pdf" in page.text  # evidence one click away
    response = client.post(
        reverse("governance:decide", args=[action.pk]),
        {"outcome": "close", "rationale": "Convincing evidence", "version": action.version},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.CLOSED
    assert Decision.objects.get().rationale == "Convincing evidence"


def test_a_decision_needs_a_rationale(client, board_member, overseen_action):
    action = _submit(overseen_action)
    client.force_login(board_member)
    response = client.post(
        reverse("governance:decide", args=[action.pk]),
        {"outcome": "close", "rationale": "", "version": action.version},
    )
    assert "Enter the reason for your decision" in response.text


def test_the_owner_cannot_open_the_decision_page(client, owner, overseen_action):
    action = _submit(overseen_action)
    client.force_login(owner)
    assert client.get(reverse("governance:decide", args=[action.pk])).status_code == 403


def test_a_member_of_another_board_cannot_decide(client, other_board_member, overseen_action):
    action = _submit(overseen_action)
    client.force_login(other_board_member)
    assert client.get(reverse("governance:decide", args=[action.pk])).status_code == 403


def test_an_owner_asks_for_more_time(client, owner, overseen_action):
    client.force_login(owner)
    new = overseen_action.due_date + dt.timedelta(days=40)
    response = client.post(
        reverse("governance:extension", args=[overseen_action.pk]),
        {
            "new_due_date_0": new.day,
            "new_due_date_1": new.month,
            "new_due_date_2": new.year,
            "reason": "Recruitment delayed",
        },
    )
    assert response.status_code == 302
    assert ExtensionRequest.objects.get().requested_due_date == new


def test_an_extension_to_an_earlier_date_is_refused(client, owner, overseen_action):
    client.force_login(owner)
    old = overseen_action.due_date - dt.timedelta(days=1)
    response = client.post(
        reverse("governance:extension", args=[overseen_action.pk]),
        {
            "new_due_date_0": old.day,
            "new_due_date_1": old.month,
            "new_due_date_2": old.year,
            "reason": "Why not",
        },
    )
    assert "must be after the current one" in response.text
    assert "Why not" in response.text


def test_a_member_approves_an_extension(client, board_member, overseen_action):
    request = ExtensionRequestFactory(action=overseen_action)
    client.force_login(board_member)
    client.post(
        reverse("governance:extension_decide", args=[request.pk]),
        {"approve": "yes", "rationale": "Fair"},
    )
    overseen_action.refresh_from_db()
    assert overseen_action.due_date == request.requested_due_date
    page = client.get(reverse("actions:detail", args=[overseen_action.pk]))
    assert "Originally" in page.text
    assert "Due date history" in page.text


def test_the_pack_holds_each_section(client, board_member, board, finding):
    finding.board = board
    finding.save()
    today = timezone.localdate()
    submitted = _submit(ActionFactory(finding=finding, title="Ready for sign-off"))
    ActionFactory(finding=finding, title="Late action", due_date=today - dt.timedelta(days=3))
    ActionFactory(finding=finding, title="Soon action", due_date=today + dt.timedelta(days=10))
    ActionFactory(finding=finding, title="Later action", due_date=today + dt.timedelta(days=90))
    ExtensionRequestFactory(action=ActionFactory(finding=finding, title="Wants more time"))
    ActionFactory(title="Another board's action")
    meeting = MeetingFactory(board=board)
    client.force_login(board_member)
    response = client.get(reverse("governance:meeting", args=[meeting.pk]))
    pack = response.context["pack"]
    assert [a.title for a in pack["submitted"]] == [submitted.title]
    assert [a.title for a in pack["overdue"]] == ["Late action"]
    assert [a.title for a in pack["due_soon"]] == ["Soon action"]
    assert [x.action.title for x in pack["extensions"]] == ["Wants more time"]
    assert "Another board" not in response.text


def test_a_decision_from_the_pack_is_linked_to_the_meeting(client, board_member, overseen_action):
    action = _submit(overseen_action)
    meeting = MeetingFactory(board=action.finding.board)
    client.force_login(board_member)
    pack_url = reverse("governance:meeting", args=[meeting.pk])
    response = client.post(
        reverse("governance:decide", args=[action.pk]) + f"?meeting={meeting.pk}",
        {
            "outcome": "return",
            "rationale": "More evidence",
            "version": action.version,
            "meeting": meeting.pk,
            "next": pack_url,
        },
    )
    assert response.url == pack_url
    assert Decision.objects.get().meeting == meeting
    assert "More evidence" in client.get(pack_url).text


def test_another_forces_meeting_is_hidden(client, outsider, board):
    meeting = MeetingFactory(board=board)
    client.force_login(outsider)
    assert client.get(reverse("governance:meeting", args=[meeting.pk])).status_code == 404
    assert client.get(reverse("governance:board", args=[board.pk])).status_code == 404


def test_a_member_schedules_a_meeting(client, board_member, board):
    client.force_login(board_member)
    day = timezone.localdate() + dt.timedelta(days=20)
    response = client.post(
        reverse("governance:board", args=[board.pk]),
        {"date_0": day.day, "date_1": day.month, "date_2": day.year, "title": "Q3"},
    )
    assert response.status_code == 302
    assert board.meetings.get().date == day


def test_a_coordinator_sets_the_board_and_the_inspectorates_view(
    client, coordinator, finding, board
):
    client.force_login(coordinator)
    url = reverse("governance:oversight", args=[finding.pk])
    client.post(url, {"form": "board", "board": board.pk})
    finding.refresh_from_db()
    assert finding.board == board
    client.post(url, {"form": "inspectorate", "status": "no_further_action"})
    finding.refresh_from_db()
    assert finding.inspectorate_status == "no_further_action"


def test_recording_no_inspectorate_view_says_so_and_keeps_the_board(
    client, coordinator, finding, board
):
    finding.board = board
    finding.save()
    client.force_login(coordinator)
    url = reverse("governance:oversight", args=[finding.pk])
    page = client.post(url, {"form": "inspectorate"}, follow=True)
    assert "Choose the inspectorate" in page.text
    finding.refresh_from_db()
    assert finding.board == board


def test_dashboard_figures_come_from_the_data(client, coordinator, inspection, finding):
    today = timezone.localdate()
    ActionFactory(finding=finding, status="closed", closed_date=today, team="PSD")
    ActionFactory(finding=finding, status="in_progress", rag="red", team="PSD")
    late = ActionFactory(finding=finding, due_date=today - dt.timedelta(days=2), team="Ops")
    Action.objects.filter(pk=late.pk).update(original_due_date=today - dt.timedelta(days=12))
    client.force_login(coordinator)
    f = client.get(reverse("governance:dashboard")).context["f"]
    assert f["totals"]["total"] == 3
    assert f["totals"]["overdue"] == 1
    assert {r["key"]: r["value"] for r in f["status"]}["closed"] == 1
    assert {r["key"]: r["value"] for r in f["rag"]}["red"] == 1
    assert {r["label"]: r["value"] for r in f["team"]} == {"PSD": 2, "Ops": 1}
    assert f["extensions"] == {
        "count": 1,
        "total_days": 10,
        "average_days": 10,
        "longest_days": 10,
    }
    assert sum(m["opened"] for m in f["months"]) == 3
    assert sum(m["closed"] for m in f["months"]) == 1
    assert f["inspections"][0]["response_due"] == inspection.response_due


def test_the_dashboard_rag_breakdown_counts_actions_not_yet_rated(client, coordinator, finding):
    ActionFactory(finding=finding, status="in_progress", rag="red")
    ActionFactory.create_batch(2, finding=finding, rag="")
    client.force_login(coordinator)
    response = client.get(reverse("governance:dashboard"))
    rows = {r["label"]: (r["value"], r["param"]) for r in response.context["f"]["rag"]}
    assert rows["Not rated"] == (2, "rag=none")
    assert rows["Red"] == (1, "rag=red")
    listed = client.get(reverse("actions:list") + "?rag=none")
    assert len(listed.context["page"].object_list) == 2


def test_a_submitted_action_shows_no_overdue_and_no_ask_for_more_time(
    client, owner, overseen_action
):
    from actions.models import Action

    Action.objects.filter(pk=overseen_action.pk).update(
        status="submitted", due_date=timezone.localdate() - dt.timedelta(days=5)
    )
    client.force_login(owner)
    text = client.get(reverse("actions:detail", args=[overseen_action.pk])).text
    assert "overdue" not in text.lower()
    assert "Ask for more time" not in text
    assert "Waiting for the board" in text
    assert client.get(reverse("governance:extension", args=[overseen_action.pk])).status_code in {
        403,
        404,
    }


def test_the_dashboard_leaves_out_other_forces(client, outsider, action):
    client.force_login(outsider)
    assert client.get(reverse("governance:dashboard")).context["f"]["totals"]["total"] == 0


@pytest.mark.parametrize("rows", [5, 50])
def test_the_dashboard_costs_the_same_queries_for_5_or_50_actions(
    client, coordinator, finding, rows, django_assert_max_num_queries
):
    for n in range(rows):
        UpdateFactory(action=ActionFactory(finding=finding, team=f"Team {n % 3}"))
    client.force_login(coordinator)
    with django_assert_max_num_queries(25):
        assert client.get(reverse("governance:dashboard")).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_pack_and_queue_cost_the_same_queries_for_5_or_50_actions(
    client, board_member, board, finding, rows, django_assert_max_num_queries
):
    finding.board = board
    finding.save()
    for _ in range(rows):
        _submit(ActionFactory(finding=finding))
        ExtensionRequestFactory(action=ActionFactory(finding=finding))
    meeting = MeetingFactory(board=board)
    client.force_login(board_member)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("governance:meeting", args=[meeting.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("governance:review")).status_code == 200


def test_the_review_queue_leaves_out_what_the_member_submitted(
    client, board_member, overseen_action
):
    from actions.models import Update

    _submit(overseen_action)
    Update.objects.create(
        action=overseen_action,
        author=board_member,
        note="Submitted on the owner's behalf",
        status_before="in_progress",
        status_after="submitted",
    )
    client.force_login(board_member)
    assert "Submitted for closure (0)" in client.get(reverse("governance:review")).text


def _submit_by(action, author, minutes_ago):
    from actions.models import Update

    update = Update.objects.create(
        action=action,
        author=author,
        note="Done",
        status_before="in_progress",
        status_after="submitted",
    )
    Update.objects.filter(pk=update.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=minutes_ago)
    )


def test_the_review_queue_goes_by_who_submitted_last(
    client, board_member, owner, overseen_action, finding
):
    # The member submitted it once, it came back, and the owner submitted it again:
    # the member may decide it now. One the member submitted last stays out.
    _submit(overseen_action)
    _submit_by(overseen_action, board_member, minutes_ago=60)
    _submit_by(overseen_action, owner, minutes_ago=5)
    mine = _submit(ActionFactory(finding=overseen_action.finding, title="Member's own submit"))
    _submit_by(mine, owner, minutes_ago=60)
    _submit_by(mine, board_member, minutes_ago=5)
    # Submitted before PEELtrack (no submit update): anyone on the board may decide it.
    imported = _submit(ActionFactory(finding=overseen_action.finding, title="Imported"))
    client.force_login(board_member)
    page = client.get(reverse("governance:review")).context["page"]
    assert {a.pk for a in page} == {overseen_action.pk, imported.pk}
