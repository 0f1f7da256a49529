"""Importing an action plan: rows become actions through the actions rules, idempotently."""

import datetime as dt

import pytest
from django.utils import timezone

from actions.models import Action, Update
from audit.models import Event
from governance.models import Decision
from inspections.models import Finding
from plans.fields import guess_mapping
from plans.importer import PlanChanged, apply_plan, plan_rows
from plans.models import PlanMapping, PlanRow, PlanUpload
from plans.reading import read_table
from tests.factories import MembershipFactory, UserFactory
from tests.plans.helpers import HEADINGS, xlsx

pytestmark = pytest.mark.django_db

PAST = dt.date(2023, 6, 30)


def _import(data, force, by, inspection=None, name="plan.xlsx", mapping=None):
    table = read_table(data, name)
    mapping = mapping or guess_mapping(table.headings)
    plan = plan_rows(table, mapping, force=force, inspection=inspection)
    upload = apply_plan(
        plan,
        force=force,
        by=by,
        table=table,
        data=data,
        name=name,
        inspection=inspection,
        headings=table.headings,
    )
    return plan, upload


def _row(
    ref="AP-1",
    afi="AFI 1",
    finding="",
    action="Clear the vetting backlog",
    owner="olivia.owen@example.police.uk",
    due=dt.date(2026, 3, 31),
    status="In progress",
    rag="Amber",
    update="Two officers recruited",
):
    return [ref, afi, finding, action, owner, due, status, rag, update]


def test_a_row_becomes_an_imported_action_on_its_finding(force, coordinator, peel, vetting, olivia):
    plan, upload = _import(xlsx([_row()]), force, coordinator, peel)
    action = Action.objects.get()
    assert (action.finding, action.owner, action.status, action.rag) == (
        vetting,
        olivia,
        "in_progress",
        "amber",
    )
    assert action.imported
    assert action.updates.get().note == "Two officers recruited"
    [event] = Event.objects.filter(action_id=action.pk)
    assert (event.verb, event.summary) == ("action.create", "Action imported from an action plan")
    assert (event.data["source"]["row"], event.data["source"]["reference"]) == (2, "AP-1")
    assert event.changes["status"] == [None, "in_progress"]
    assert upload.counts["new"] == 1
    assert PlanRow.objects.get().reference == "AP-1"
    assert len(upload.sha256) == 64 and upload.file.read().startswith(b"PK")


def test_closed_items_and_past_due_dates_come_in_as_history(force, coordinator, peel, vetting):
    data = xlsx([_row(due=PAST, status="Complete", rag="Green", owner="")])
    _import(data, force, coordinator, peel)
    action = Action.objects.get()
    assert (action.status, action.due_date, action.progress) == ("closed", PAST, 100)
    assert action.closed_date == timezone.localdate()
    assert vetting.actions.get() == action
    vetting.refresh_from_db()
    assert vetting.force_progress == "complete"
    # No board decision is invented for history.
    assert not Decision.objects.exists()


def test_a_second_upload_of_the_same_plan_changes_nothing(
    force, coordinator, peel, vetting, olivia
):
    data = xlsx([_row(), _row(ref="AP-2", action="Audit vetting decisions")])
    _import(data, force, coordinator, peel)
    events = Event.objects.count()
    plan, upload = _import(data, force, coordinator, peel)
    assert upload.counts == {
        "new": 0,
        "update": 0,
        "unchanged": 2,
        "error": 0,
        "warning": 0,
        "new_findings": 0,
    }
    assert Action.objects.count() == 2
    assert Update.objects.count() == 2
    assert Event.objects.count() == events + 1  # only the plan.import itself
    assert set(PlanRow.objects.values_list("upload", flat=True)) == {upload.pk}


def test_a_later_version_updates_what_the_spreadsheet_changed(
    force, coordinator, peel, vetting, olivia
):
    _import(xlsx([_row()]), force, coordinator, peel)
    later = xlsx([_row(due=dt.date(2026, 6, 30), status="Complete", update="All renewals done")])
    plan, upload = _import(later, force, coordinator, peel)
    assert upload.counts["update"] == 1
    action = Action.objects.get()
    assert (action.due_date, action.status) == (dt.date(2026, 6, 30), "closed")
    assert action.original_due_date == dt.date(2026, 3, 31)
    assert action.updates.first().note == "All renewals done"
    event = Event.objects.get(verb="action.import", action_id=action.pk)
    assert event.changes["due_date"] == ["2026-03-31", "2026-06-30"]
    assert event.changes["status"] == ["in_progress", "closed"]
    assert event.note == "All renewals done"
    assert action.version == 2


def test_a_value_changed_in_peeltrack_since_is_kept_with_a_warning(
    force, coordinator, peel, vetting, olivia
):
    _import(xlsx([_row()]), force, coordinator, peel)
    action = Action.objects.get()
    action.edit(by=coordinator, changes={"due_date": dt.date(2026, 5, 1)})
    action.apply_update(by=olivia, note="On hold for the new system", transition="hold")
    later = xlsx([_row(due=dt.date(2026, 6, 30), status="Complete")])
    plan, _ = _import(later, force, coordinator, peel)
    [row] = plan.rows
    assert any("Due date was changed in PEELtrack" in w for w in row.warnings)
    assert any("Status was changed in PEELtrack" in w for w in row.warnings)
    action.refresh_from_db()
    assert (action.due_date, action.status) == (dt.date(2026, 5, 1), "on_hold")


def test_an_empty_cell_never_empties_what_is_held(force, coordinator, peel, vetting, olivia):
    _import(xlsx([_row()]), force, coordinator, peel)
    _plan, upload = _import(xlsx([_row(owner="", due=None, rag="")]), force, coordinator, peel)
    action = Action.objects.get()
    assert (action.owner, action.due_date, action.rag) == (olivia, dt.date(2026, 3, 31), "amber")
    assert upload.counts["unchanged"] == 1


def test_each_row_gets_its_own_errors_and_only_good_rows_are_imported(
    force, coordinator, peel, vetting, olivia
):
    twin = UserFactory(username="oowen2", first_name="Olivia", last_name="Owen")
    MembershipFactory(user=twin, force=force)
    rows = [
        _row(),
        _row(ref="AP-2", due="next spring"),
        _row(ref="AP-3", status="Maybe"),
        _row(ref="AP-4", action=""),
        _row(ref="AP-5", afi="AFI 99"),
        _row(ref="AP-6", owner="Olivia Owen"),
        _row(ref="AP-1", action="The same reference again"),
        _row(ref="AP-7", owner="Nobody Known"),
    ]
    plan, upload = _import(xlsx(rows), force, coordinator, peel)
    problems = {row.number: (row.errors, row.warnings) for row in plan.problems}
    assert problems[3][0] == ["Due date “next spring” is not a date: write it as 31/03/2025"]
    assert "Status “Maybe” is not one PEELtrack knows" in problems[4][0][0]
    assert problems[5][0] == ["The action is empty: every row needs one"]
    assert "has no finding AFI 99" in problems[6][0][0]
    assert "2 people in the force match owner “Olivia Owen”" in problems[7][0][0]
    assert problems[8][0] == ["The reference AP-1 is also on row 2"]
    assert "Nobody in the force matches owner “Nobody Known”" in problems[9][1][0]
    assert upload.counts["new"] == 2 and upload.counts["error"] == 6
    assert Action.objects.count() == 2
    assert Action.objects.get(plan_row__reference="AP-7").owner is None
    assert {p["row"] for p in upload.problems} == {3, 4, 5, 6, 7, 8, 9}


def test_findings_are_matched_by_wording_or_added_once(force, coordinator, peel, vetting):
    rows = [
        _row(
            ref="A",
            afi="",
            finding="The force should make sure all staff have the right level of vetting",
            owner="",
        ),
        _row(ref="B", afi="CoC 1", finding="The force must improve its call handling.", owner=""),
        _row(
            ref="C",
            afi="CoC 1",
            finding="The force must improve its call handling.",
            owner="",
            action="Recruit call handlers",
        ),
    ]
    _plan, upload = _import(xlsx(rows), force, coordinator, peel)
    assert Action.objects.get(plan_row__reference="A").finding == vetting
    added = Finding.objects.get(reference="CoC 1")
    assert (added.kind, added.origin) == ("cause_of_concern", "action_plan")
    assert added.actions.count() == 2
    assert upload.counts["new_findings"] == 1
    assert Event.objects.filter(verb="finding.create", object_id=str(added.pk)).exists()


def test_without_a_reference_column_a_row_is_known_by_its_finding_and_action(
    force, coordinator, peel, vetting
):
    headings = ["AFI", "Action", "Status"]
    data = xlsx([["AFI 1", "Clear the backlog", "Open"]], headings=headings)
    _import(data, force, coordinator, peel)
    _plan, upload = _import(data, force, coordinator, peel)
    assert Action.objects.count() == 1
    assert upload.counts["unchanged"] == 1


def test_rows_name_their_inspection_or_take_the_one_chosen(force, coordinator, peel, vetting):
    headings = ["Ref", "Inspection", "AFI", "Action"]
    rows = [
        ["1", "PEEL 2023-25", "AFI 1", "Named"],
        ["2", "", "AFI 1", "Unnamed"],
        ["3", "PEEL 2014", "AFI 1", "Unknown"],
    ]
    plan, upload = _import(xlsx(rows, headings=headings), force, coordinator)
    assert "no inspection called “PEEL 2014”" in plan.rows[2].errors[0]
    assert "does not say which inspection" in plan.rows[1].errors[0]
    assert upload.counts["new"] == 1


def test_the_mapping_used_is_remembered_for_the_force(force, coordinator, peel, vetting):
    _import(xlsx([_row()]), force, coordinator, peel)
    assert PlanMapping.objects.get(force=force).columns["title"] == "Action"
    assert PlanUpload.objects.get().mapping["due_date"] == "Target date"


def test_a_preview_made_before_someone_else_imported_is_refused(force, coordinator, peel, vetting):
    data = xlsx([_row(owner="")])
    table = read_table(data, "plan.xlsx")
    mapping = guess_mapping(HEADINGS)
    seen = plan_rows(table, mapping, force=force, inspection=peel)
    _import(data, force, coordinator, peel)
    again = plan_rows(table, mapping, force=force, inspection=peel)
    with pytest.raises(PlanChanged):
        apply_plan(
            again,
            force=force,
            by=coordinator,
            table=table,
            data=data,
            name="p.xlsx",
            inspection=peel,
            headings=table.headings,
            expected=seen.fingerprint,
        )
    assert Action.objects.count() == 1


def test_only_a_coordinator_of_the_force_imports(force, owner, outsider, peel, vetting):
    from django.core.exceptions import PermissionDenied

    for user in (owner, outsider):
        with pytest.raises(PermissionDenied):
            _import(xlsx([_row(owner="")]), force, user, peel)
    assert not Action.objects.exists()


def test_a_closed_actions_details_are_kept_unless_the_plan_reopens_it(
    force, coordinator, peel, vetting, olivia
):
    _import(xlsx([_row(status="Closed")]), force, coordinator, peel)
    plan, _ = _import(
        xlsx([_row(status="Closed", due=dt.date(2026, 9, 30))]), force, coordinator, peel
    )
    assert "The action is closed: its due date is kept as it is" in plan.rows[0].warnings
    action = Action.objects.get()
    assert action.due_date == dt.date(2026, 3, 31)
    reopened = xlsx([_row(status="In progress", due=dt.date(2026, 12, 31))])
    _plan, upload = _import(reopened, force, coordinator, peel)
    action.refresh_from_db()
    assert (action.status, action.due_date, upload.counts["update"]) == (
        "in_progress",
        dt.date(2026, 12, 31),
        1,
    )


def test_an_action_changed_after_the_check_stops_the_import(force, coordinator, peel, vetting):
    from actions.models import ConcurrentEdit

    data = xlsx([_row(owner="")])
    _import(data, force, coordinator, peel)
    later = xlsx([_row(owner="", due=dt.date(2026, 6, 30))])
    table = read_table(later, "plan.xlsx")
    plan = plan_rows(table, guess_mapping(table.headings), force=force, inspection=peel)
    Action.objects.get().edit(by=coordinator, changes={"title": "Renamed meanwhile"})
    with pytest.raises(ConcurrentEdit):
        apply_plan(
            plan,
            force=force,
            by=coordinator,
            table=table,
            data=later,
            name="p.xlsx",
            inspection=peel,
            headings=table.headings,
        )
    assert Action.objects.get().due_date == dt.date(2026, 3, 31)
    assert PlanUpload.objects.count() == 1


def test_a_cell_over_its_limit_is_a_row_error_not_stored(force, coordinator, peel, vetting, olivia):
    rows = [_row(), _row(ref="AP-2", update="x" * 5_001)]
    plan, upload = _import(xlsx(rows), force, coordinator, peel)
    problems = {row.number: row.errors for row in plan.problems}
    assert problems[3] == ["The update is longer than 5,000 characters: shorten it"]
    assert Action.objects.count() == 1
    assert not Update.objects.filter(note__startswith="xxx").exists()
