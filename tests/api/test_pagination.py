"""Lists stay fast as tables grow: a fixed number of queries whatever the page holds, and
cursors for the append-only tables (updates, audit events)."""

import pytest

from actions.models import Update
from audit.models import Event
from tests.factories import (
    ActionFactory,
    BoardFactory,
    DecisionFactory,
    EventFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    FindingFactory,
    InspectionFactory,
    JudgmentFactory,
    MeetingFactory,
    MembershipFactory,
    UpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def make_rows(finding, n, coordinator, board_member):
    """n rows in every list, in the cast's force."""
    force = finding.inspection.force
    board = BoardFactory(force=force, name="Board", members=[board_member])
    for i in range(n):
        user = UserFactory()
        MembershipFactory(user=user, force=force)
        inspection = InspectionFactory(force=force)
        JudgmentFactory(inspection=inspection)
        f = FindingFactory(inspection=inspection, board=board if i % 2 else None)
        action = ActionFactory(finding=f, owner=user)
        UpdateFactory(action=action)
        EvidenceFactory(action=action, content=f"%PDF-1.4 {i}".encode())
        DecisionFactory(action=action, board=board, decided_by=board_member)
        ExtensionRequestFactory(action=action)
        EventFactory(action=action, force=force, actor=coordinator)
        MeetingFactory(board=board)
        BoardFactory(force=force, members=[user])


# Queries per list, whatever its length: 1 session, 2 user, 3 the user's forces,
# (4 the user's roles, for rules and need-to-know), then the count and the page (cursor
# lists have no count), and one prefetch where a row lists many (a board's members, an
# inspection's sources).
# Actions add one for the user's boards when a row can be decided.
LISTS = {
    "actions": 7,
    "updates": 4,
    "evidence": 6,
    "events": 5,
    "findings": 5,
    "decisions": 5,
    "extension-requests": 5,
    "inspections": 6,
    "judgments": 5,
    "boards": 6,
    "people": 5,
    "meetings": 5,
    "forces": 5,
}


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("resource", LISTS)
def test_lists_take_the_same_number_of_queries_for_5_and_50_rows(
    api, board_member, coordinator, finding, resource, rows, django_assert_max_num_queries
):
    make_rows(finding, rows, coordinator, board_member)
    ActionFactory(finding=finding, status="submitted")  # one the board member may decide
    client = api(board_member)
    with django_assert_max_num_queries(LISTS[resource]):
        response = client.get(f"/api/v1/{resource}/")
    assert response.status_code == 200
    assert len(response.json()["results"]) >= (1 if resource == "forces" else rows)


def _walk(client, url):
    """Every row of a cursor-paginated list, following `next`."""
    ids = []
    while url:
        body = client.get(url).json()
        assert "count" not in body  # no COUNT(*) over a large table
        ids += [row["id"] for row in body["results"]]
        url = body["next"]
    return ids


def test_updates_are_read_newest_first_with_cursors(api, owner, action):
    for _ in range(7):
        UpdateFactory(action=action)
    client = api(owner)
    first = client.get("/api/v1/updates/", {"page_size": 3}).json()
    assert len(first["results"]) == 3
    assert "cursor=" in first["next"]
    ids = _walk(client, "/api/v1/updates/?page_size=3")
    assert ids == list(Update.objects.order_by("-created_at", "-pk").values_list("pk", flat=True))


def test_events_with_the_same_time_are_neither_lost_nor_repeated(api, auditor, action):
    # Rows written in one transaction share a timestamp; the cursor must still move on.
    force = action.finding.inspection.force
    # One bulk insert: one reading of the database clock for all seven.
    made = [
        e.pk
        for e in Event.objects.bulk_create(
            [EventFactory.build(action=action, force=force) for _ in range(7)]
        )
    ]
    assert len(set(Event.objects.filter(pk__in=made).values_list("created_at", flat=True))) == 1
    ids = _walk(api(auditor), "/api/v1/events/?page_size=2")
    assert sorted(ids) == sorted(Event.objects.filter(force=force).values_list("pk", flat=True))
    assert set(made) <= set(ids)
    assert len(ids) == len(set(ids))


def test_new_rows_do_not_shift_a_cursor(api, owner, action):
    for _ in range(4):
        UpdateFactory(action=action)
    client = api(owner)
    first = client.get("/api/v1/updates/", {"page_size": 2}).json()
    UpdateFactory(action=action)  # written while the script reads
    second = client.get(first["next"]).json()
    seen = [r["id"] for r in first["results"] + second["results"]]
    assert len(set(seen)) == 4


def test_numbered_pages_take_a_page_size(api, coordinator, finding):
    ActionFactory.create_batch(7, finding=finding)
    body = api(coordinator).get("/api/v1/actions/", {"page_size": 3, "page": 3}).json()
    assert (body["count"], len(body["results"]), body["next"]) == (7, 1, None)


def test_a_huge_page_size_is_not_an_error(api, coordinator, action):
    response = api(coordinator).get("/api/v1/actions/", {"page_size": 10**9})
    assert (response.status_code, len(response.json()["results"])) == (200, 1)
