"""The API and the pages share their FilterSets: the same query string gives the same rows
on the All actions page and at /api/v1/actions/."""

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Action
from tests.factories import (
    ActionFactory,
    BoardFactory,
    DecisionFactory,
    EvidenceFactory,
    ExtensionRequestFactory,
    FindingFactory,
    InspectionFactory,
    JudgmentFactory,
    UpdateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(inspection, owner, teammate, outsider):
    """Actions across statuses, RAGs, themes, kinds, owners, due dates and updates."""
    today = timezone.localdate()
    board = BoardFactory(force=inspection.force, name="Vetting board")
    judgment = JudgmentFactory(inspection=inspection, pillar="effectiveness")
    findings = [
        FindingFactory(inspection=inspection, theme="vetting", board=board),
        FindingFactory(inspection=inspection, theme="use of force", kind="cause_of_concern"),
        FindingFactory(inspection=inspection, theme="custody", judgment=judgment),
    ]
    rows = [
        ("not_started", "", owner, 30, "Debrief procedure"),
        ("in_progress", "red", owner, -5, "Vetting backlog"),
        ("in_progress", "amber", teammate, 10, "Body-worn video"),
        ("on_hold", "green", None, -40, "Custody audit"),
        ("submitted", "green", teammate, 60, "Stop and search panel"),
        ("closed", "green", owner, -90, "Closed work"),
    ]
    actions = []
    for i, (status, rag, who, due, title) in enumerate(rows * 2):
        actions.append(
            ActionFactory(
                finding=findings[i % 3],
                status=status,
                rag=rag,
                owner=who,
                title=f"{title} {i}",
                due_date=today + dt.timedelta(days=due + i),
                team="Vetting unit" if i % 4 == 0 else "",
                created_at=timezone.now() - dt.timedelta(days=30),
            )
        )
    UpdateFactory(action=actions[1])  # one fresh update: not stale
    # Another force's action never shows, whatever the filter.
    ActionFactory(finding=FindingFactory(), status="in_progress", rag="red")
    return {"findings": findings, "board": board, "inspection": inspection}


def _page_ids(client, query):
    response = client.get(f"/actions/?{query}")
    assert response.status_code == 200
    return [a.pk for a in response.context["page"].object_list]


def _api_ids(client, query):
    response = client.get(f"/api/v1/actions/?{query}&page_size=500")
    assert response.status_code == 200, response.json()
    return [row["id"] for row in response.json()["results"]]


QUERIES = [
    "",
    "status=in_progress",
    "status=in_progress&status=on_hold",
    "rag=red&rag=amber",
    "overdue=true",
    "overdue=false",
    "stale=true",
    "stale=false",
    "q=vetting",
    "q=AFI 1",
    "theme=custody",
    "kind=cause_of_concern",
    "pillar=effectiveness",
    "team=Vetting unit",
    "unowned=true",
    "status=closed&overdue=true",
]


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_query_gives_the_same_rows_on_the_page_and_the_api(
    client, api, coordinator, spread, query
):
    client.force_login(coordinator)
    page = _page_ids(client, query)
    assert page == _api_ids(api(coordinator), query)


def test_filters_by_object_give_the_same_rows_too(client, api, coordinator, owner, spread):
    client.force_login(coordinator)
    queries = [
        f"owner={owner.pk}",
        f"inspection={spread['inspection'].pk}",
        f"finding={spread['findings'][1].pk}",
        f"board={spread['board'].pk}",
        f"owner={owner.pk}&status=in_progress&overdue=true",
    ]
    for query in queries:
        page = _page_ids(client, query)
        assert page, query
        assert page == _api_ids(api(coordinator), query), query


def test_a_filter_the_page_cannot_understand_is_a_bad_request_in_the_api(
    client, api, coordinator, spread
):
    client.force_login(coordinator)
    assert _page_ids(client, "status=lost") == []
    response = api(coordinator).get("/api/v1/actions/?status=lost")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_another_forces_inspection_is_not_a_choice(api, coordinator, spread):
    elsewhere = InspectionFactory()
    response = api(coordinator).get("/api/v1/actions/", {"inspection": elsewhere.pk})
    assert response.status_code == 400


def test_the_api_lists_in_the_pages_order(api, coordinator, spread):
    rows = api(coordinator).get("/api/v1/actions/", {"page_size": 500}).json()["results"]
    assert rows == sorted(rows, key=lambda r: (r["due_date"], r["id"]))
    assert len(rows) == Action.objects.filter(finding__inspection=spread["inspection"]).count()


# --- the other resources' filters ------------------------------------------------


def _count(client, resource, **query):
    response = client.get(f"/api/v1/{resource}/", query)
    assert response.status_code == 200, response.json()
    return len(response.json()["results"])


def test_findings_filter(api, coordinator, spread):
    c = api(coordinator)
    assert _count(c, "findings", kind="cause_of_concern") == 1
    assert _count(c, "findings", theme="custody") == 1
    assert _count(c, "findings", board=spread["board"].pk) == 1
    assert _count(c, "findings", q="AFI 1") + _count(c, "findings", q="lowest level") >= 1
    assert _count(c, "findings", unallocated="true") == 1  # an action nobody owns


def test_updates_evidence_decisions_and_extensions_filter_by_action(api, owner, action, finding):
    other = ActionFactory(finding=finding, owner=owner)
    for a in (action, other):
        UpdateFactory(action=a)
        EvidenceFactory(action=a, content=f"%PDF-1.4 {a.pk}".encode())
        DecisionFactory(action=a, outcome="returned")
        ExtensionRequestFactory(action=a)
    c = api(owner)
    for resource in ("updates", "evidence", "decisions", "extension-requests"):
        assert _count(c, resource) == 2
        assert _count(c, resource, action=action.pk) == 1
    assert _count(c, "decisions", outcome="signed_off") == 0
    assert _count(c, "extension-requests", state="pending") == 2
    assert _count(c, "evidence", marking="OFFICIAL-SENSITIVE") == 0


def test_audit_events_filter(api, auditor, owner, action):
    action.apply_update(by=owner, note="Kick-off", transition="start")
    c = api(auditor)
    assert _count(c, "events", kind="action.") == 1
    assert _count(c, "events", actor=owner.pk) == 1
    assert _count(c, "events", action=action.pk) == 1
    assert _count(c, "events", since="2999-01-01") == 0


def test_people_filter(api, coordinator, owner, auditor):
    c = api(coordinator)
    assert _count(c, "people", role="auditor") == 1
    assert _count(c, "people", q=owner.username) == 1


def test_inspections_and_judgments_filter(api, coordinator, inspection):
    JudgmentFactory(inspection=inspection, grade="inadequate")
    c = api(coordinator)
    assert _count(c, "inspections", programme="peel 2018/19") == 1
    assert _count(c, "inspections", published_after="2021-01-01") == 0
    assert _count(c, "judgments", grade="inadequate") == 1
    assert _count(c, "judgments", grade="good") == 0
