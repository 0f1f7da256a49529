"""The main lists read their first page off an index, not by sorting every action.

The query checked is the one the page really runs (captured from the request), so a
change to the list's filters or ordering that loses the index fails here.
"""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from actions.models import Action
from tests.factories import FindingFactory, InspectionFactory, UserFactory

ROWS = 3000


@pytest.fixture
def many_actions(force, other_force, owner):
    """ROWS actions in two forces, due on many dates, a tenth of ours owned by owner,
    with the planner's statistics up to date (as autovacuum keeps them in production)."""
    ours = FindingFactory(inspection=InspectionFactory(force=force))
    theirs = FindingFactory(inspection=InspectionFactory(force=other_force))
    someone = UserFactory()
    today = timezone.localdate()
    Action.objects.bulk_create(
        Action(
            finding=ours if n % 2 else theirs,
            title=f"Action {n}",
            owner=owner if n % 10 == 1 else someone,
            due_date=today + dt.timedelta(days=n % 400),
            status=["not_started", "in_progress", "submitted", "closed"][n // 2 % 4],
        )
        for n in range(ROWS)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _page_query(client, url):
    """The SQL (parameters inlined) that fetched the page's rows."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    pages = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "actions_action"."id"') and "LIMIT" in q["sql"]
    ]
    assert len(pages) == 1, "\n\n".join(q["sql"][:300] for q in queries.captured_queries)
    return pages[0]


def _plan(sql) -> list[str]:
    """The plan of the outer query, one line a step, leaving out the per-row subqueries
    (each sorts a single action's few updates or counts its evidence)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return list(_outer_nodes(plan[0]["Plan"]))
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        rows = cursor.fetchall()  # (id, parent, unused, detail)
        subqueries = {row[0] for row in rows if "SUBQUERY" in row[3]}
        inner = set(subqueries)
        for row in rows:  # rows come parents first
            if row[1] in inner:
                inner.add(row[0])
        return [row[3] for row in rows if row[0] not in inner]


def _outer_nodes(node):
    yield f"{node['Node Type']} {node.get('Index Name', '')}".strip()
    for child in node.get("Plans", []):
        if child.get("Parent Relationship") != "SubPlan":
            yield from _outer_nodes(child)


def _sorts_every_row(plan: list[str]) -> bool:
    if connection.vendor == "postgresql":
        return any(step.startswith(("Sort", "Incremental Sort")) for step in plan) or not any(
            step.startswith("Index Scan action_") for step in plan
        )
    return any("TEMP B-TREE FOR ORDER BY" in step for step in plan) or not any(
        "actions_action USING INDEX action_" in step for step in plan
    )


LISTS = {
    "My actions": ("owner", "/"),
    "All actions": ("coordinator", "/actions/"),
    "All actions, not started or in progress": (
        "coordinator",
        "/actions/?status=not_started&status=in_progress",
    ),
    "API list": ("coordinator", "/api/v1/actions/"),
    "API submitted": ("coordinator", "/api/v1/actions/?status=submitted"),
    "API mine": ("owner", "/api/v1/actions/?owner={owner}"),
    "Review queue": ("coordinator", "/review/"),
}


@pytest.mark.parametrize("name", LISTS)
def test_the_lists_read_their_first_page_off_an_index(client, request, many_actions, name):
    who, url = LISTS[name]
    user = request.getfixturevalue(who)
    client.force_login(user)
    plan = _plan(_page_query(client, url.format(owner=request.getfixturevalue("owner").pk)))
    assert not _sorts_every_row(plan), plan


@pytest.mark.parametrize("name", LISTS)
def test_without_the_indexes_the_same_queries_sort_the_table(client, request, many_actions, name):
    # The check above can fail: drop the indexes (rolled back with the test) and it does.
    who, url = LISTS[name]
    client.force_login(request.getfixturevalue(who))
    sql = _page_query(client, url.format(owner=request.getfixturevalue("owner").pk))
    with connection.cursor() as cursor:
        for index in (
            "action_due_date_id",
            "action_owner_due_id",
            "action_status_due_id",
            "action_status_updated",
        ):
            cursor.execute(f"DROP INDEX {index}")
    assert _sorts_every_row(_plan(sql))
