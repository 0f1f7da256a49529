import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from actions.models import Action, ConcurrentEdit, Status, create_action, import_action
from audit.models import Event
from inspections.models import ForceProgress
from tests.factories import ActionFactory, EvidenceFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def _to(action, status):
    type(action).objects.filter(pk=action.pk).update(status=status)
    action.refresh_from_db()
    return action


def test_the_first_due_date_is_kept_when_it_is_extended(action, coordinator):
    first = action.due_date
    action.edit(by=coordinator, changes={"due_date": first + dt.timedelta(days=30)})
    action.refresh_from_db()
    assert action.original_due_date == first
    assert action.due_date == first + dt.timedelta(days=30)
    assert action.was_extended


def test_an_owner_starts_their_action(action, owner):
    update = action.apply_update(by=owner, note="Kick-off meeting held", transition="start")
    assert action.status == Status.IN_PROGRESS
    assert (update.status_before, update.status_after) == ("not_started", "in_progress")


def test_a_teammate_cannot_update_someone_elses_action(action, teammate):
    with pytest.raises(PermissionDenied):
        action.apply_update(by=teammate, note="Not mine", transition="start")


def test_an_auditor_cannot_update_an_action(action, auditor):
    with pytest.raises(PermissionDenied):
        action.apply_update(by=auditor, note="Reading only")


def test_an_outsider_cannot_update_an_action(action, outsider):
    with pytest.raises(PermissionDenied):
        action.apply_update(by=outsider, note="Wrong force")


def test_a_note_is_required(action, owner):
    with pytest.raises(ValidationError) as error:
        action.apply_update(by=owner, note="  ")
    assert "note" in error.value.message_dict


def test_putting_on_hold_records_the_reason(action, owner):
    action.apply_update(by=owner, note="Waiting for the new IT system", transition="hold")
    assert action.status == Status.ON_HOLD
    assert action.hold_reason == "Waiting for the new IT system"


def test_submitting_for_closure_needs_evidence(action, owner):
    _to(action, Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        action.apply_update(
            by=owner, note="Done", transition="submit", closing_summary="All cleared"
        )
    assert "evidence" in error.value.message_dict["transition"][0]


def test_submitting_for_closure_needs_a_closing_summary(action, owner):
    _to(action, Status.IN_PROGRESS)
    EvidenceFactory(action=action)
    with pytest.raises(ValidationError) as error:
        action.apply_update(by=owner, note="Done", transition="submit")
    assert "closing_summary" in error.value.message_dict


def test_an_owner_submits_with_evidence_and_summary(action, owner):
    _to(action, Status.IN_PROGRESS)
    EvidenceFactory(action=action)
    action.apply_update(by=owner, note="Done", transition="submit", closing_summary="Cleared")
    assert action.status == Status.SUBMITTED
    assert action.closing_summary == "Cleared"


def test_an_owner_cannot_close_their_own_action(action, owner):
    _to(action, Status.SUBMITTED)
    with pytest.raises(ValidationError):
        action.apply_update(by=owner, note="Closing", transition="close")


def test_a_coordinator_closes_a_submitted_action(action, coordinator):
    _to(action, Status.SUBMITTED)
    action.apply_update(by=coordinator, note="Evidence accepted", transition="close")
    assert action.status == Status.CLOSED
    assert action.closed_date is not None
    assert action.progress == 100
    action.finding.refresh_from_db()
    assert action.finding.force_progress == ForceProgress.COMPLETE


def test_a_coordinator_returns_an_action_for_more_work(action, coordinator):
    _to(action, Status.SUBMITTED)
    action.apply_update(by=coordinator, note="Evidence is a draft", transition="return")
    assert action.status == Status.IN_PROGRESS


def test_a_transition_from_the_wrong_status_is_refused(action, coordinator):
    with pytest.raises(ValidationError) as error:
        action.apply_update(by=coordinator, note="Close it", transition="close")
    assert "cannot be moved" in error.value.message_dict["transition"][0]


def test_a_closed_action_cannot_be_updated_by_its_owner(action, owner):
    _to(action, Status.CLOSED)
    with pytest.raises(PermissionDenied):
        action.apply_update(by=owner, note="One more thing")


def test_a_coordinator_reopens_a_closed_action(action, coordinator):
    _to(action, Status.CLOSED)
    action.apply_update(by=coordinator, note="Inspectorate not satisfied", transition="reopen")
    assert action.status == Status.IN_PROGRESS
    assert action.closed_date is None


def test_only_allowed_transitions_are_offered(action, owner, coordinator, auditor):
    assert [t.name for t in action.allowed_transitions(owner)] == ["start", "hold"]
    assert [t.name for t in action.allowed_transitions(auditor)] == []
    _to(action, Status.SUBMITTED)
    assert [t.name for t in action.allowed_transitions(owner)] == []
    assert [t.name for t in action.allowed_transitions(coordinator)] == ["return", "close"]


def test_a_stale_edit_is_refused(action, owner, coordinator):
    seen = action.version
    action.apply_update(by=owner, note="First", progress=10)
    with pytest.raises(ConcurrentEdit) as error:
        action.edit(by=coordinator, changes={"title": "New title"}, expected_version=seen)
    assert error.value.current.progress == 10


def test_every_change_writes_an_audit_event(action, owner, coordinator):
    action.apply_update(by=owner, note="Started", transition="start", progress=5)
    action.edit(by=coordinator, changes={"team": "Professional Standards"})
    verbs = list(Event.objects.filter(action_id=action.pk).values_list("verb", flat=True))
    assert verbs == ["action.edit", "action.start"]
    start = Event.objects.get(verb="action.start")
    assert start.changes["status"] == ["not_started", "in_progress"]
    assert start.actor == owner
    assert start.force_id == action.force_id


def test_audit_events_cannot_be_changed_or_deleted(action, coordinator):
    action.edit(by=coordinator, changes={"team": "PSD"})
    event = Event.objects.get(verb="action.edit")
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        Event.objects.all().delete()


def test_a_coordinator_raises_an_action(finding, coordinator, owner):
    action = create_action(finding=finding, by=coordinator, title="Vetting plan", owner=owner)
    assert action.original_due_date is None
    assert Event.objects.filter(verb="action.create", action_id=action.pk).exists()


def test_an_owner_cannot_raise_an_action(finding, owner):
    with pytest.raises(PermissionDenied):
        create_action(finding=finding, by=owner, title="Vetting plan")


def test_overdue_is_measured_against_the_current_due_date(action):
    action.due_date = dt.date(2000, 1, 1)
    assert action.is_overdue
    action.status = Status.CLOSED
    assert not action.is_overdue


def test_stale_actions_have_had_no_update_for_14_days(finding):
    from django.utils import timezone

    old = timezone.now() - dt.timedelta(days=15)
    stale = ActionFactory(finding=finding, created_at=old)
    ActionFactory(finding=finding, created_at=old, last_update_at=timezone.now())
    ActionFactory(finding=finding)
    assert list(type(stale).objects.stale()) == [stale]


# --- the historical import path (an existing action plan) ----------------------------------


def test_an_imported_action_takes_the_state_its_plan_gives_it(coordinator, finding, owner):
    from governance.models import Decision

    action = create_action(finding=finding, by=coordinator, title="Vet", owner=owner, imported=True)
    action.import_state(
        by=coordinator, note="From the 2024 plan", status="closed", closed_date=dt.date(2024, 1, 5)
    )
    action.refresh_from_db()
    assert (action.status, action.closed_date, action.progress) == (
        "closed",
        dt.date(2024, 1, 5),
        100,
    )
    update = action.updates.get()
    assert (update.status_before, update.status_after, update.note) == (
        "not_started",
        "closed",
        "From the 2024 plan",
    )
    event = Event.objects.get(verb="action.import")
    assert event.changes["status"] == ["not_started", "closed"]
    assert not Decision.objects.exists()


def test_only_an_imported_action_and_only_a_coordinator_use_the_import_path(
    coordinator, owner, action
):
    with pytest.raises(PermissionDenied):
        action.import_state(by=coordinator, note="x", status="closed")
    imported = create_action(finding=action.finding, by=coordinator, title="T", imported=True)
    with pytest.raises(PermissionDenied):
        imported.import_state(by=owner, note="x", status="closed")
    with pytest.raises(ValidationError):
        imported.import_state(by=coordinator, note="x", status="finished")
    imported.refresh_from_db()
    assert imported.status == "not_started"


def test_a_closed_action_from_an_old_plan_comes_in_as_history(coordinator, finding, owner):
    from governance.models import Decision

    action = import_action(
        finding=finding,
        by=coordinator,
        note="Closed in 2023, before PEELtrack",
        status="closed",
        closed_date=dt.date(2023, 5, 1),
        title="Vetting backlog",
        owner=owner,
        due_date=dt.date(2023, 3, 31),
    )
    assert (action.imported, action.status, action.closed_date, action.progress) == (
        True,
        "closed",
        dt.date(2023, 5, 1),
        100,
    )
    assert action.updates.get().note == "Closed in 2023, before PEELtrack"
    assert Event.objects.get(action_id=action.pk).data["imported"] is True
    finding.refresh_from_db()
    assert finding.force_progress == ForceProgress.COMPLETE
    assert not Decision.objects.exists()


def test_importing_an_action_keeps_the_rules_of_raising_one(coordinator, owner, outsider, finding):
    with pytest.raises(PermissionDenied):
        import_action(finding=finding, by=owner, note="x", title="T")
    with pytest.raises(ValidationError):
        import_action(finding=finding, by=coordinator, note="x", title="T", owner=outsider)
    with pytest.raises(ValidationError):
        import_action(finding=finding, by=coordinator, note="", title="T")
    assert not finding.actions.exists()


def test_lists_know_who_submitted_each_action_as_the_rule_would_look_it_up(
    finding, owner, teammate
):
    from actions import rules

    resubmitted = ActionFactory(finding=finding, owner=owner, status="submitted")
    for author, before in [(owner, "in_progress"), (teammate, "in_progress")]:
        UpdateFactory(
            action=resubmitted, author=author, status_before=before, status_after="submitted"
        )
    imported = ActionFactory(finding=finding, owner=owner, status="submitted")
    open_one = ActionFactory(finding=finding, owner=owner, status="in_progress")
    listed = {a.pk: a for a in Action.objects.for_list()}
    assert listed[resubmitted.pk].latest_submitter_id == teammate.pk
    assert listed[imported.pk].latest_submitter_id is None
    assert listed[open_one.pk].latest_submitter_id is None
    for action in [resubmitted, imported, open_one]:
        fresh = Action.objects.get(pk=action.pk)
        assert rules.submitter_id(listed[action.pk]) == rules.submitter_id(fresh)
