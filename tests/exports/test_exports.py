import datetime as dt

import pytest
from django.urls import reverse

from audit.models import Event
from exports.writers import safe_cell
from tests.exports.helpers import body, csv_rows, xlsx_rows
from tests.factories import (
    ActionFactory,
    DecisionFactory,
    EvidenceFactory,
    FindingFactory,
    InspectionFactory,
    UpdateFactory,
)

pytestmark = pytest.mark.django_db


def _url(resource, fmt, query=""):
    return reverse("exports:export", args=[resource, fmt]) + (f"?{query}" if query else "")


@pytest.fixture
def other_force_action(other_force, outsider):
    inspection = InspectionFactory(force=other_force, programme="PEEL 2021/22")
    return ActionFactory(finding=FindingFactory(inspection=inspection), title="Wiltshire only")


def test_the_csv_holds_exactly_the_filtered_rows_and_none_of_another_force(
    client, auditor, finding, owner, other_force_action
):
    wanted = ActionFactory(finding=finding, owner=owner, status="in_progress", rag="red")
    ActionFactory(finding=finding, owner=owner, status="not_started")
    client.force_login(auditor)
    rows = csv_rows(client.get(_url("actions", "csv", "status=in_progress")))
    assert [int(r["Action ID"]) for r in rows] == [wanted.pk]
    everything = csv_rows(client.get(_url("actions", "csv")))
    assert len(everything) == 2
    assert "Wiltshire only" not in {r["Action"] for r in everything}


def test_the_csv_has_the_columns_an_auditor_needs_with_iso_dates(
    client, auditor, coordinator, overseen_action, board_member, owner
):
    action = overseen_action
    action.apply_update(by=owner, note="Started", transition="start")
    EvidenceFactory(action=action)
    action.apply_update(by=owner, note="Done", transition="submit", closing_summary="All done")
    action.apply_update(by=board_member, note="Evidence is good", transition="close")
    client.force_login(auditor)
    (row,) = csv_rows(client.get(_url("actions", "csv")))
    assert row["Finding reference"] == action.finding.reference
    assert row["Finding text"] == action.finding.text
    assert row["Inspection"] == "PEEL 2018/19"
    assert row["Board"] == "Management board"
    assert row["Status"] == "Closed"
    assert row["Current due date"] == action.due_date.isoformat()
    assert row["Original due date"] == action.original_due_date.isoformat()
    assert row["Closed date"] == dt.date.today().isoformat()
    assert row["Signed off by"].endswith("(board)")
    assert dt.datetime.fromisoformat(row["Signed off at"]).tzinfo is not None
    assert row["Current evidence items"] == "1"
    assert row["Last update note"] == "Evidence is good"
    assert row["Link"] == f"http://testserver/actions/{action.pk}/"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_cell_that_a_spreadsheet_would_run_as_a_formula_is_escaped(start):
    assert safe_cell(f"{start}HYPERLINK(1)") == f"'{start}HYPERLINK(1)"
    assert safe_cell("Plain text = fine") == "Plain text = fine"


def test_formula_injection_is_escaped_in_csv_and_xlsx(client, auditor, finding, owner):
    titles = ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"]
    for title in titles:
        ActionFactory(finding=finding, owner=owner, title=title)
    client.force_login(auditor)
    csv_titles = {r["Action"] for r in csv_rows(client.get(_url("actions", "csv")))}
    assert csv_titles == {"'" + t for t in titles}
    xlsx_titles = {r["Action"] for r in xlsx_rows(client.get(_url("actions", "xlsx")))}
    assert xlsx_titles == {"'" + t for t in titles}


def test_the_xlsx_holds_the_same_rows_with_real_dates(client, auditor, finding, owner):
    ActionFactory(finding=finding, owner=owner, title="Łódź liaison – “quoted”")
    ActionFactory(finding=finding, owner=owner, due_date=None)
    client.force_login(auditor)
    response = client.get(_url("actions", "xlsx"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"].startswith('attachment; filename="actions-')
    rows = xlsx_rows(response)
    assert {r["Action"] for r in rows} >= {"Łódź liaison – “quoted”"}
    dated = next(r for r in rows if r["Current due date"])
    assert isinstance(dated["Current due date"], dt.datetime)  # a date cell, not text
    assert isinstance(dated["Raised at"], dt.datetime)


@pytest.mark.parametrize("resource", ["findings", "updates", "decisions", "events"])
def test_every_list_exports_as_csv_and_xlsx(client, auditor, action, resource):
    UpdateFactory(action=action)
    DecisionFactory(action=action, decided_by=auditor)
    Event.record(auditor, "action.update", action, summary="=cmd|' /C calc'!A0")
    client.force_login(auditor)
    rows = csv_rows(client.get(_url(resource, "csv")))
    assert len(rows) >= 1
    extra = 1 if resource == "events" else 0  # the CSV export is itself an event
    assert len(xlsx_rows(client.get(_url(resource, "xlsx")))) == len(rows) + extra
    if resource == "events":
        assert "'=cmd|' /C calc'!A0" in {r["Summary"] for r in rows}


def test_updates_and_decisions_follow_the_action_filters(client, auditor, finding, owner):
    red = ActionFactory(finding=finding, owner=owner, rag="red")
    green = ActionFactory(finding=finding, owner=owner, rag="green")
    UpdateFactory(action=red, note="red note")
    UpdateFactory(action=green, note="green note")
    client.force_login(auditor)
    rows = csv_rows(client.get(_url("updates", "csv", "rag=red")))
    assert [r["Note"] for r in rows] == ["red note"]


def test_findings_export_takes_the_inspection_filter(client, auditor, inspection, force):
    FindingFactory(inspection=inspection, reference="AFI 1")
    FindingFactory(inspection=InspectionFactory(force=force), reference="AFI 9")
    client.force_login(auditor)
    rows = csv_rows(client.get(_url("findings", "csv", f"inspection={inspection.pk}")))
    assert [r["Reference"] for r in rows] == ["AFI 1"]


def test_every_export_is_an_audit_event_saying_who_what_filter_and_how_many(
    client, auditor, finding, owner, force
):
    ActionFactory.create_batch(3, finding=finding, owner=owner, status="in_progress")
    client.force_login(auditor)
    body(client.get(_url("actions", "xlsx", "status=in_progress")))
    event = Event.objects.get(verb="export.actions")
    assert event.actor == auditor
    assert event.force == force
    assert event.data["filters"] == {"status": ["in_progress"]}
    assert event.data["count"] == 3
    assert event.data["format"] == "xlsx"
    assert event.summary == "Exported 3 actions as XLSX"


def test_an_outsider_exports_nothing_of_our_force(client, outsider, action, other_force):
    client.force_login(outsider)
    assert csv_rows(client.get(_url("actions", "csv"))) == []
    event = Event.objects.get(verb="export.actions")
    assert (event.force, event.data["count"]) == (other_force, 0)


def test_only_auditors_and_coordinators_export_the_audit_trail(client, owner, auditor, action):
    client.force_login(owner)
    assert client.get(_url("events", "csv")).status_code == 403
    client.force_login(auditor)
    assert client.get(_url("events", "csv")).status_code == 200


def test_filters_that_make_no_sense_are_refused_with_a_message(client, auditor, action):
    client.force_login(auditor)
    response = client.get(_url("actions", "csv", "status=nonsense"))
    assert response.status_code == 400
    assert "Some filters were not understood" in response.text
    assert not Event.objects.filter(verb="export.actions").exists()


def test_exports_need_a_signed_in_user(client, action):
    assert client.get(_url("actions", "csv")).status_code == 302


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_costs_the_same_queries_for_5_or_50_rows(
    client, auditor, finding, owner, rows, fmt, django_assert_max_num_queries
):
    for _ in range(rows):
        action = ActionFactory(finding=finding, owner=owner)
        UpdateFactory(action=action)
        EvidenceFactory(action=action, content=f"%PDF-{action.pk}".encode())
    client.force_login(auditor)
    # session, user, memberships (forces), roles, rows per force, event insert
    # (with its savepoint pair, and the hash chain's head: reserve, move on), the rows
    with django_assert_max_num_queries(11):
        assert len(body(client.get(_url("actions", fmt, "status=not_started")))) > 0


def test_decisions_csv_lists_extension_approvals_and_rejections(
    client, auditor, overseen_action, owner, board_member, other_force_action, outsider
):
    from governance import services

    DecisionFactory(action=overseen_action, decided_by=board_member, outcome="returned")
    for approve in (True, False):
        request = services.extension_request(
            action=overseen_action,
            by=owner,
            new_due_date=overseen_action.due_date + dt.timedelta(days=30),
            reason="Late supplier.",
        )
        services.extension_decide(
            request=request, by=board_member, approve=approve, rationale=f"Decided {approve}"
        )
    client.force_login(auditor)
    rows = csv_rows(client.get(_url("decisions", "csv")))
    outcomes = [r["Outcome"] for r in rows]
    assert outcomes == ["Returned for more work", "Extension approved", "Extension rejected"]
    assert rows[1]["Decision ID"].startswith("extension-")
    assert "Decided True" in rows[1]["Rationale"]
    assert rows[2]["Board"] == "Management board"
    assert Event.objects.get(verb="export.decisions").data["count"] == 3
