"""The hash chain that makes the audit trail tamper-evident.

Each force's events form one chain (events with no force form their own, key 0): every
event has the next sequence number of its chain and a SHA-256 over its content and the
previous event's hash. Changing, removing or inserting an event anywhere breaks every
link after it, which `verify_audit` finds.

Appends to one chain are serialised by its `ChainHead` row: one `UPDATE ... RETURNING`
takes the next sequence numbers, the previous hash and the database's clock, and holds
the row lock (PostgreSQL; SQLite's write lock) until the transaction ends, so a second
writer waits and then sees the first one's numbers: two transactions can never take the
same sequence number. A unique constraint on (force, seq) is the backstop; an append of
its own that meets it re-reads the chain's end and tries again. Event times come from the
database's clock, read while the chain is locked, never from the caller.

The canonical form below is part of the record: hashes written with it must verify for
ever, so it is versioned ("v") and never changed in place.
"""

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import IntegrityError, connections, transaction
from django.utils import timezone

GENESIS = "0" * 64  # the "previous hash" of a chain's first event
NO_FORCE = 0  # the chain key of events that belong to no force
VERSION = 1
APPEND_ATTEMPTS = 3


def chain_key(force_id: int | None) -> int:
    return NO_FORCE if force_id is None else force_id


def _plain(value):
    """A JSON value as the database gives it back: keys as strings, whole floats as ints."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def stamp(value: dt.datetime) -> str:
    """An event time in the canonical form: UTC, microseconds."""
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(event) -> bytes:
    """The bytes an event's hash is taken over: stable JSON of everything it records."""
    content = {
        "v": VERSION,
        "force": event.force_id,
        "seq": event.seq,
        "prev": event.prev_hash,
        "created_at": stamp(event.created_at),
        "actor": event.actor_id,
        "verb": event.verb,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "action": event.action_id,
        "summary": event.summary,
        "changes": _plain(json.loads(json.dumps(event.changes))),
        "data": _plain(json.loads(json.dumps(event.data))),
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(event) -> str:
    return hashlib.sha256(canonical(event)).hexdigest()


CLOCK = {
    "postgresql": "clock_timestamp()",
    "sqlite": "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now')",
}


def _as_time(value) -> dt.datetime:
    if isinstance(value, str):  # SQLite's clock: UTC text
        return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
    return value


def database_now(using: str = "default") -> dt.datetime:
    """The database server's clock (PostgreSQL) or the database engine's (SQLite)."""
    connection = connections[using]
    if connection.vendor not in CLOCK:
        return timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {CLOCK[connection.vendor]}".replace("%%", "%"))
        return _as_time(cursor.fetchone()[0])


def _reserve(key: int, count: int, using: str) -> tuple[int, str, dt.datetime]:
    """Take count sequence numbers from a chain's head, locking it until the transaction
    ends (a row lock on PostgreSQL, the write lock on SQLite): (first seq, the hash before
    it, the database's time). One statement, so appends cost little."""
    from .models import ChainHead

    connection = connections[using]
    clock = CLOCK.get(connection.vendor)
    table = connection.ops.quote_name(ChainHead._meta.db_table)
    returning = f"seq, hash, {clock}" if clock else "seq, hash"
    # Only constants go into the text: the table's name and the vendor's clock function.
    sql = f'UPDATE {table} SET seq = seq + %s WHERE "key" = %s RETURNING {returning}'  # noqa: S608
    for _ in range(2):
        with connection.cursor() as cursor:
            cursor.execute(sql, [count, key])
            row = cursor.fetchone()
        if row is not None:
            now = _as_time(row[2]) if clock else timezone.now()
            return row[0] - count + 1, row[1], now
        # The chain's first event: make its head (a concurrent first append may win).
        ChainHead.objects.using(using).bulk_create([ChainHead(key=key)], ignore_conflicts=True)
    raise RuntimeError(f"audit chain head {key} could not be made")


def _resync(key: int, using: str) -> None:
    """Put a chain's head back on its last event (after a conflict showed it behind)."""
    from .models import ChainHead, Event

    last = Event.objects.using(using).in_chain(key).order_by("-seq").first()
    seq, hash_ = (last.seq, last.hash) if last else (0, GENESIS)
    ChainHead.objects.using(using).update_or_create(key=key, defaults={"seq": seq, "hash": hash_})


def link(events: list, *, using: str = "default", resync: bool = False) -> None:
    """Give unsaved events their time, sequence numbers and hashes, in order, and move each
    chain's head on. Call inside the transaction that inserts them (Event.save and
    Event.objects.bulk_create do)."""
    from .models import ChainHead

    chains: dict[int, list] = {}
    for event in events:
        chains.setdefault(chain_key(event.force_id), []).append(event)
    # Locked in key order, so two appends spanning several forces cannot deadlock.
    for key in sorted(chains):
        if resync:
            _resync(key, using)
        seq, previous, now = _reserve(key, len(chains[key]), using)
        for event in chains[key]:
            event.created_at = now
            event.seq, event.prev_hash = seq, previous
            event.hash = previous = digest(event)
            seq += 1
        ChainHead.objects.using(using).filter(key=key).update(hash=previous)


def append(write, using: str) -> None:
    """Run write(resync) in a transaction. Appends never meet each other (_reserve locks
    the chain), but if the (force, seq) constraint is met all the same (a chain head put
    behind its events), re-read the chain's end and try again. Inside a caller's
    transaction the error is raised instead: a retry there would cost every append a
    savepoint, and the caller's transaction is then rolled back whole."""
    connection = connections[using]
    if connection.in_atomic_block:
        write(False)
        return
    for attempt in range(APPEND_ATTEMPTS):
        try:
            with transaction.atomic(using=using):
                write(attempt > 0)
            return
        except IntegrityError:
            if attempt == APPEND_ATTEMPTS - 1:
                raise


# --- verification -----------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain: where, and what is wrong."""

    force_id: int | None
    seq: int | None
    event_id: int | None
    problem: str

    def __str__(self):
        where = f"seq {self.seq}, event {self.event_id}" if self.event_id else "chain end"
        return f"{where}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    """One chain, walked: how many events, its last hash, and its first break if any."""

    force_id: int | None
    events: int
    last_seq: int
    last_hash: str
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def walk(force_id: int | None, *, using: str = "default") -> ChainReport:
    """Recompute a chain from its first event and stop at the first broken link."""
    from .models import ChainHead, Event

    rows = (
        Event.objects.using(using)
        .in_chain(chain_key(force_id))
        .order_by("seq", "pk")
        .iterator(chunk_size=2000)
    )
    count, broken = 0, None
    expected_seq, previous = 1, GENESIS
    for event in rows:
        count += 1
        broken = _check(event, expected_seq, previous)
        if broken:
            break
        expected_seq, previous = event.seq + 1, event.hash
    head = ChainHead.objects.using(using).filter(key=chain_key(force_id)).first()
    if (
        broken is None
        and head is not None
        and (head.seq, head.hash)
        != (
            expected_seq - 1,
            previous,
        )
    ):
        broken = Break(
            force_id,
            head.seq,
            None,
            f"the chain's recorded end is seq {head.seq} but its last event is seq "
            f"{expected_seq - 1}: events at the end were removed or the end was altered",
        )
    return ChainReport(force_id, count, expected_seq - 1, previous, broken)


def _check(event, expected_seq: int, previous: str) -> Break | None:
    def problem(text):
        return Break(event.force_id, event.seq, event.pk, text)

    if event.seq != expected_seq:
        missing = "missing" if event.seq > expected_seq else "repeated"
        return problem(f"sequence jumps from {expected_seq - 1} to {event.seq} (events {missing})")
    if event.prev_hash != previous:
        return problem("its previous-hash does not match the hash of the event before it")
    if event.hash != digest(event):
        return problem("its content does not match its hash (the row was changed)")
    return None


def chain_forces(using: str = "default") -> list[int | None]:
    """Every chain that has events or a head: force ids, None for the no-force chain."""
    from .models import ChainHead, Event

    keys = set(ChainHead.objects.using(using).values_list("key", flat=True))
    forces = Event.objects.using(using).order_by().values_list("force_id", flat=True).distinct()
    keys |= {chain_key(force_id) for force_id in forces}
    return [None if key == NO_FORCE else key for key in sorted(keys)]


ANCHOR_HEADERS = ["Day (UTC)", "Force", "Last seq", "Last hash", "Events that day"]


@dataclass(frozen=True)
class Anchor:
    """A chain's last event of one day (UTC): keep it, and hold the app to it later."""

    day: dt.date
    force_id: int | None
    seq: int
    hash: str
    events: int


def anchors(rows: Iterable[dict]) -> Iterator[Anchor]:
    """Each UTC day's last event per chain, from rows (force_id, seq, hash, created_at)
    in chain and sequence order."""
    last, count = None, 0
    for row in rows:
        if last is not None and _day_of(last) != _day_of(row):
            yield _anchor(last, count)
            count = 0
        last = row
        count += 1
    if last is not None:
        yield _anchor(last, count)


def _day_of(row: dict) -> tuple:
    return row["force_id"], row["created_at"].astimezone(dt.UTC).date()


def _anchor(row: dict, count: int) -> Anchor:
    return Anchor(_day_of(row)[1], row["force_id"], row["seq"], row["hash"], count)


def daily_anchors(force_ids: list[int | None], *, using: str = "default") -> Iterator[Anchor]:
    """The anchors of the given chains, oldest day first within each chain."""
    from .models import Event

    for force_id in force_ids:
        rows = (
            Event.objects.using(using)
            .in_chain(chain_key(force_id))
            .order_by("seq")
            .values("force_id", "seq", "hash", "created_at")
            .iterator(chunk_size=5000)
        )
        yield from anchors(rows)


def check_anchor(force_id: int | None, seq: int, expected: str, *, using="default") -> Break | None:
    """Does the chain still hold the hash an outsider kept for seq?"""
    from .models import Event

    event = Event.objects.using(using).in_chain(chain_key(force_id)).filter(seq=seq).first()
    if event is None:
        return Break(force_id, seq, None, f"the anchor's event (seq {seq}) is no longer there")
    if event.hash != expected:
        return Break(
            force_id, seq, event.pk, f"its hash {event.hash} is not the anchor's {expected}"
        )
    return None
