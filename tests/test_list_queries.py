"""Every list costs the same number of queries whatever its rows' statuses and however
many rows the page holds: pages here are full of actions submitted for closure, the rows
that once cost a query each (who submitted them, asked by the separation-of-duties rule)."""

import pytest
from django.urls import reverse

from tests.factories import ActionFactory, BoardFactory, FindingFactory, UpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(finding, owner, teammate, board_member):
    """make(n): n actions owned by owner and submitted for closure, half of them by a
    teammate, half overseen by a board the board member sits on."""
    board = BoardFactory(force=finding.inspection.force, members=[board_member])
    boarded = FindingFactory(inspection=finding.inspection, board=board)

    def make(n):
        for i in range(n):
            action = ActionFactory(
                finding=boarded if i % 2 else finding, owner=owner, status="submitted"
            )
            UpdateFactory(
                action=action,
                author=teammate if i % 2 else owner,
                status_before="in_progress",
                status_after="submitted",
                progress=100,
            )

    return make


ROWS = [5, 50, 500]


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("who", ["coordinator", "board_member"])
def test_the_api_list_costs_the_same_queries_for_a_page_of_5_or_500_submitted_actions(
    client, request, submitted, rows, who, django_assert_num_queries
):
    submitted(rows)
    client.force_login(request.getfixturevalue(who))
    # session, user, the user's forces, count, the page (with who submitted each row),
    # the user's roles (rules), the user's boards (who may close a submitted row)
    with django_assert_num_queries(7):
        response = client.get(f"/api/v1/actions/?page_size={rows}")
    assert len(response.json()["results"]) == rows
    assert any("sign-off" in row["allowed_transitions"] for row in response.json()["results"])


@pytest.mark.parametrize("rows", ROWS)
def test_the_owners_api_list_costs_the_same_queries_however_many_they_submitted(
    client, owner, submitted, rows, django_assert_num_queries
):
    submitted(rows)
    client.force_login(owner)
    # session, user, the user's forces, count, the page, the user's roles (the owner may
    # not close their own, so their boards are never asked)
    with django_assert_num_queries(6):
        response = client.get(f"/api/v1/actions/?page_size={rows}")
    assert len(response.json()["results"]) == rows


# The HTML pages' first queries: session, user, the user's forces and roles for the
# navigation (two), unread notices.
@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize(
    ("url_name", "who"), [("actions:home", "owner"), ("actions:list", "coordinator")]
)
def test_the_action_lists_cost_the_same_queries_for_a_page_of_5_or_500_submitted_actions(
    client, request, submitted, rows, url_name, who, django_assert_num_queries
):
    submitted(rows)
    client.force_login(request.getfixturevalue(who))
    # the five above, then the count, the filter's choices (inspections, owners), the page
    with django_assert_num_queries(9):
        response = client.get(reverse(url_name))
    assert len(response.context["page"]) == min(rows, 50)


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("who", ["coordinator", "board_member"])
def test_the_review_queue_costs_the_same_queries_for_5_or_500_submitted_actions(
    client, request, submitted, rows, who, django_assert_num_queries
):
    submitted(rows)
    client.force_login(request.getfixturevalue(who))
    # the five above, the user's boards (what they decide), the count of submitted
    # actions and of extension requests, the user's memberships (which forces they
    # coordinate), the page, the extension requests
    with django_assert_num_queries(11):
        response = client.get(reverse("governance:review"))
    # Half the actions sit on the member's board, the other half fall to the coordinator.
    expected = (rows + 1) // 2 if who == "coordinator" else rows // 2
    assert response.context["page"].paginator.count == expected
