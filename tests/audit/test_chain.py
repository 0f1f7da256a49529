"""The audit trail is append-only in the database itself, and tamper-evident."""

import datetime as dt
import threading
from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.models import QuerySet

from audit import chain, triggers
from audit.models import ChainHead, Event
from tests.factories import ActionFactory, EventFactory, ForceFactory

pytestmark = pytest.mark.django_db

LONG_AGO = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


def refused(callable_, *args):
    """callable_ must fail in the database, leaving the test's transaction usable."""
    with pytest.raises(DatabaseError), transaction.atomic():
        callable_(*args)


def raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def triggers_off():
    """What someone with the database's keys could do: switch the guard off."""
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER TABLE waits for no deferred check
        raw("ALTER TABLE audit_event DISABLE TRIGGER USER")
        yield
        raw("ALTER TABLE audit_event ENABLE TRIGGER USER")
    else:
        for sql in triggers.SQLITE_REMOVE:
            raw(sql)
        yield
        for sql in triggers.SQLITE_INSTALL:
            raw(sql)


def verify(*args) -> tuple[str, str | None]:
    """(output, error) of verify_audit."""
    from io import StringIO

    out = StringIO()
    try:
        call_command("verify_audit", "--no-record", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


# --- the database refuses changes --------------------------------------------------


def test_raw_sql_update_and_delete_are_refused():
    event = EventFactory()
    refused(raw, "UPDATE audit_event SET summary = 'edited' WHERE id = %s", [event.pk])
    refused(raw, "DELETE FROM audit_event WHERE id = %s", [event.pk])
    refused(raw, "DELETE FROM audit_event")
    event = Event.objects.get(pk=event.pk)
    assert event.summary == "Progress update"


def test_every_orm_way_round_the_model_is_refused():
    event = EventFactory()
    matching = Event.objects.filter(pk=event.pk)
    with pytest.raises(PermissionDenied):
        matching.update(summary="edited")
    with pytest.raises(PermissionDenied):
        matching.delete()
    with pytest.raises(PermissionDenied):
        event.delete()
    summary = Event._meta.get_field("summary")
    refused(lambda: matching._update([(summary, None, "edited")]))
    refused(lambda: Event._base_manager.filter(pk=event.pk).update(summary="edited"))
    refused(lambda: QuerySet(Event).filter(pk=event.pk).update(summary="edited"))
    refused(lambda: QuerySet(Event).filter(pk=event.pk)._raw_delete(connection.alias))
    refused(lambda: Event._base_manager.filter(pk=event.pk)._raw_delete(connection.alias))
    assert Event.objects.get(pk=event.pk).summary == "Progress update"


def test_a_backdated_event_takes_the_database_time():
    before = chain.database_now()
    event = EventFactory(created_at=LONG_AGO)
    assert event.created_at >= before - dt.timedelta(seconds=1)
    assert Event.objects.get(pk=event.pk).created_at == event.created_at
    assert chain.walk(event.force_id).ok


def test_a_backdated_insert_in_raw_sql_is_refused():
    event = EventFactory()
    columns = (
        "created_at, verb, object_type, object_id, object_repr, summary, changes, data, "
        "seq, prev_hash, hash"
    )
    values = [
        "2020-01-01 00:00:00",
        "action.update",
        "action",
        "1",
        "x",
        "Backdated",
        "{}",
        "{}",
        event.seq + 1000,
        "",
        "",
    ]
    sql = f"INSERT INTO audit_event ({columns}) VALUES ({', '.join(['%s'] * len(values))})"
    refused(raw, sql, values)


def test_a_bulk_insert_cannot_be_turned_into_an_update():
    with pytest.raises(PermissionDenied):
        Event.objects.bulk_create([EventFactory.build()], update_conflicts=True)


# --- the chain -------------------------------------------------------------------------


def test_each_force_has_its_own_gapless_chain():
    first, second = ForceFactory(), ForceFactory()
    action = ActionFactory()
    made = [EventFactory(force=force, action=action) for force in [first, second, first, first]]
    made.append(EventFactory(force=None, action=action))
    by_force = {}
    for event in made:
        by_force.setdefault(event.force_id, []).append(event)
    for force_id in (first.pk, second.pk):
        events = by_force[force_id]
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert events[0].prev_hash == chain.GENESIS
    for events in by_force.values():
        assert all(b.prev_hash == a.hash for a, b in zip(events, events[1:], strict=False))
    assert all(chain.walk(force).ok for force in by_force)


def test_a_bulk_insert_chains_its_rows_in_order_after_single_ones():
    force = ForceFactory()
    action = ActionFactory()
    single = EventFactory(force=force, action=action)
    bulk = Event.objects.bulk_create(
        [EventFactory.build(force=force, action=action, summary=f"row {n}") for n in range(5)]
        + [EventFactory.build(force=None, action=action)]
    )
    assert [e.seq for e in bulk[:5]] == [2, 3, 4, 5, 6]
    assert bulk[0].prev_hash == single.hash
    assert len({e.created_at for e in bulk[:5]}) == 1  # one clock reading for the chain
    assert chain.walk(force.pk).ok and chain.walk(None).ok
    head = ChainHead.objects.get(key=force.pk)
    assert (head.seq, head.hash) == (6, bulk[4].hash)


def _head_put_behind(force):
    first = EventFactory(force=force)
    second = EventFactory(force=force)
    # As if the head had been restored from an older backup than the events.
    ChainHead.objects.filter(key=force.pk).update(seq=first.seq, hash=first.hash)
    return second


def test_a_head_behind_its_events_cannot_fork_the_chain():
    force = ForceFactory()
    _head_put_behind(force)
    with pytest.raises(IntegrityError), transaction.atomic():
        EventFactory(force=force)
    assert Event.objects.in_chain(force.pk).count() == 2
    assert "recorded end is seq 1 but its last event is seq 2" in str(chain.walk(force.pk).broken)


@pytest.mark.django_db(transaction=True)
def test_an_append_of_its_own_resyncs_a_head_behind_its_events_and_retries():
    force = ForceFactory()
    second = _head_put_behind(force)
    third = EventFactory(force=force)
    assert (third.seq, third.prev_hash) == (3, second.hash)
    assert chain.walk(force.pk).ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_queue_up_on_one_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs one writer at a time; threads on it only test the driver")
    force = ForceFactory()
    action = ActionFactory()
    errors = []
    start = threading.Barrier(6)

    def write():
        try:
            start.wait()
            for n in range(5):
                with transaction.atomic():
                    EventFactory(force=force, action=action, summary=f"n{n}")
                    Event.objects.bulk_create(
                        [EventFactory.build(force=force, action=action) for _ in range(3)]
                    )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(Event.objects.in_chain(force.pk).order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, 6 * 5 * 4 + 1))
    assert chain.walk(force.pk).ok


# --- verify_audit --------------------------------------------------------------------


def test_verify_audit_passes_on_an_untouched_trail():
    force = ForceFactory(slug="kent")
    for _ in range(3):
        EventFactory(force=force)
    output, error = verify()
    assert error is None
    assert "OK      kent: 3 events, seq 1-3" in output


def test_verify_audit_names_the_first_row_changed_behind_the_triggers():
    force = ForceFactory(slug="kent")
    events = [EventFactory(force=force) for _ in range(4)]
    with triggers_off():
        raw("UPDATE audit_event SET summary = 'Nothing happened' WHERE id = %s", [events[1].pk])
    output, error = verify("--force", "kent")
    assert error == "1 broken link(s) in the audit trail."
    assert f"BROKEN  kent: seq 2, event {events[1].pk}: its content does not match" in output


def test_verify_audit_finds_a_deleted_event_and_a_rehashed_one():
    force = ForceFactory(slug="kent")
    events = [EventFactory(force=force) for _ in range(4)]
    with triggers_off():
        raw("DELETE FROM audit_event WHERE id = %s", [events[1].pk])
    output, _ = verify()
    assert f"seq 3, event {events[2].pk}: sequence jumps from 1 to 3" in output
    # Recomputing the hash of a changed row breaks the link to the next one instead.
    force = ForceFactory(slug="dorset")
    events = [EventFactory(force=force) for _ in range(3)]
    changed = Event.objects.get(pk=events[0].pk)
    changed.summary = "Nothing happened"
    with triggers_off():
        raw(
            "UPDATE audit_event SET summary = %s, hash = %s WHERE id = %s",
            [changed.summary, chain.digest(changed), changed.pk],
        )
    output, _ = verify("--force", "dorset")
    assert f"seq 2, event {events[1].pk}: its previous-hash does not match" in output


def test_verify_audit_notices_events_removed_from_the_end():
    force = ForceFactory(slug="kent")
    events = [EventFactory(force=force) for _ in range(3)]
    with triggers_off():
        raw("DELETE FROM audit_event WHERE id = %s", [events[-1].pk])
    output, error = verify()
    assert error and "recorded end is seq 3 but its last event is seq 2" in output


def test_verify_audit_records_what_it_found(force):
    event = EventFactory(force=force)
    with triggers_off():
        raw("UPDATE audit_event SET verb = 'edited' WHERE id = %s", [event.pk])
    with pytest.raises(CommandError):
        call_command("verify_audit", stdout=__import__("io").StringIO())
    recorded = Event.objects.get(verb="audit.chain_broken", force=force)
    assert recorded.force_id == force.pk and recorded.data["seq"] == 1


def test_verify_audit_holds_the_trail_to_kept_anchors(tmp_path):
    force = ForceFactory(slug="kent")
    events = [EventFactory(force=force) for _ in range(2)]
    kept = tmp_path / "anchors.csv"
    kept.write_text(
        "Day (UTC),Force,Last seq,Last hash,Events that day\n"
        f"2026-01-01,kent,2,{events[1].hash},2\n"
    )
    assert verify("--anchors", str(kept))[1] is None
    kept.write_text(
        f"Day (UTC),Force,Last seq,Last hash,Events that day\n2026-01-01,kent,2,{'1' * 64},2\n"
    )
    output, error = verify("--anchors", str(kept))
    assert error and f"its hash {events[1].hash} is not the anchor's" in output


def test_verify_audit_refuses_an_unknown_force():
    with pytest.raises(CommandError, match="No force with the slug 'atlantis'"):
        call_command("verify_audit", "--force", "atlantis")


def test_triggers_lost_by_a_later_migration_are_put_back_after_migrate():
    EventFactory()
    if connection.vendor == "postgresql":
        raw("SET CONSTRAINTS ALL IMMEDIATE")
        raw("DROP TRIGGER audit_event_append_only ON audit_event")
    else:
        raw("DROP TRIGGER audit_event_no_update")
    assert triggers.missing(connection)
    triggers.ensure(connection.alias)
    assert triggers.missing(connection) == []
    refused(raw, "UPDATE audit_event SET summary = 'edited'")
