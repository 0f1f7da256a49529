"""Benchmark: the shape a national service runs, under load, losing a server and a worker.

Two gunicorn app servers on different ports and two `db_worker` task workers share one
PostgreSQL database and one blob store (Azurite). Simulated people drive a bounded load
against both servers for a fixed time: owners post updates and upload evidence, board
members sign off or return submitted actions, auditors download exports and evidence
packs, everyone reads pages. The daily reminders run part-way (twice at once, as two
hosts' cron would), one worker is killed (SIGKILL) while it sends their emails, and one
app server is killed (SIGKILL, the whole process group) under load. The client fails
over to the surviving server the way a load balancer does: only when a connection is
refused, never by repeating a request that was sent.

It prints: requests, errors (those in flight on the killed server, and any other), p50,
p95 and p99 latency per kind of request, writes acknowledged by the servers compared with
the database (lost and duplicated), and emails written compared with the notices stored
(each must be sent exactly once). Loopback addresses only; bounded in users and time.

    .venv/bin/python benchmarks/multiserver.py                     # 50 users, 60 s
    .venv/bin/python benchmarks/multiserver.py --users 20 --seconds 30

Needs PostgreSQL on 127.0.0.1:5432 (it drops and recreates the database it is given,
peeltrack_load by default: give it a throwaway name) and Node for Azurite (`make frontend`;
started here if not already running).
"""

import argparse
import collections
import datetime as dt
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
from urllib3.exceptions import MaxRetryError, NewConnectionError

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
AZURITE_KEY = (
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
)
AZURITE = (
    "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;"
    f"AccountKey={AZURITE_KEY};BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;"
)
ACTIONS_PER_OWNER = 4
SUBMITTED_PER_BOARD_MEMBER = 8
FINDINGS = 12


# --- the stack ---------------------------------------------------------------------------


def environment(args, workdir: Path) -> dict:
    """Production settings (DEBUG off) on the loopback, as docs/deploy.md describes."""
    return {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}},
        "DJANGO_SETTINGS_MODULE": "peeltrack.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"{args.postgres}/{args.database}",
        "CONN_MAX_AGE": "60",
        "FILE_STORAGE": "azure",
        "AZURE_CONNECTION_STRING": AZURITE,
        "AZURE_CONTAINER": f"load-{uuid.uuid4().hex[:12]}",
        # Plain HTTP on the loopback: no TLS proxy here.
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "SECURE_HSTS_SECONDS": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(workdir / "mail"),
        "SITE_URL": f"http://127.0.0.1:{args.ports[0]}",
        "LOG_FORMAT": "json",
    }


def azurite_up() -> bool:
    import socket

    try:
        socket.create_connection(("127.0.0.1", 10000), timeout=1).close()
    except OSError:
        return False
    return True


def recreate_database(args) -> None:
    import psycopg
    from psycopg import sql

    if not re.search(r"load|bench", args.database):
        raise SystemExit("Give a throwaway database name containing 'load' or 'bench'.")
    with psycopg.connect(f"{args.postgres}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(args.database)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(args.database)))


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    killed_at: float | None = None

    def kill(self) -> None:
        """Gone at once, like a machine that dies: the whole process group, SIGKILL."""
        self.killed_at = time.monotonic()  # before the signal: the client may see it first
        os.killpg(self.popen.pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)


def start(name: str, command: list[str], env: dict, workdir: Path) -> Process:
    log = (workdir / f"{name}.log").open("ab")
    popen = subprocess.Popen(  # noqa: S603  (our own commands)
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    return Process(name, popen)


def wait_ready(port: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise SystemExit(f"The server on port {port} did not become ready.")


# --- the data ----------------------------------------------------------------------------


@dataclass
class Person:
    role: str
    username: str
    session: str = ""
    token: str = ""
    actions: list[int] = field(default_factory=list)  # owners: theirs; board: to decide
    inspection: int = 0


def seed(users: int) -> list[Person]:
    """One force, one board, owners with actions, submitted actions for the board to decide."""
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from accounts.models import token_create
    from actions.models import Action, Status, evidence_add
    from forces.models import Board, Force, Membership
    from inspections.models import Finding, Inspection

    call_command("migrate", verbosity=0)
    call_command("prepare_storage", verbosity=0)
    today = timezone.localdate()
    User = get_user_model()
    force = Force.objects.create(name="Loadshire Constabulary", slug="loadshire")
    coordinator = User.objects.create_user("coordinator", "coordinator@loadshire.police.uk")
    Membership.objects.create(user=coordinator, force=force, role="coordinator")
    board = Board.objects.create(force=force, name="Performance board")
    inspection = Inspection.objects.create(
        force=force, programme="PEEL 2025/26", published=dt.date(2026, 3, 1)
    )
    findings = [
        Finding.objects.create(
            inspection=inspection,
            reference=f"AFI {n + 1}",
            kind="area_for_improvement",
            text=f"The force should improve how it records area {n + 1}.",
            order=n,
            board=board,
        )
        for n in range(FINDINGS)
    ]
    owners_n = max(1, round(users * 0.6))
    board_n = max(1, round(users * 0.24))
    auditors_n = max(1, users - owners_n - board_n)
    people = []
    for role, count in (("owner", owners_n), ("board_member", board_n), ("auditor", auditors_n)):
        for n in range(count):
            user = User.objects.create_user(
                f"{role}{n}", f"{role}{n}@loadshire.police.uk", first_name=role.title()
            )
            Membership.objects.create(user=user, force=force, role=role)
            if role == "board_member":
                board.members.add(user)
            people.append(Person(role, user.username, inspection=inspection.pk))
    by_name = {u.username: u for u in User.objects.all()}
    owners = [p for p in people if p.role == "owner"]
    # Due dates spread so the reminders find work: on the day, overdue (with escalation),
    # due within a week, and comfortably ahead.
    offsets = [0, -20, 7, 60]
    number = 0
    for person in owners:
        for n in range(ACTIONS_PER_OWNER):
            number += 1
            action = Action.objects.create(
                finding=findings[number % FINDINGS],
                title=f"Improve recording, workstream {number}",
                owner=by_name[person.username],
                status=Status.IN_PROGRESS,
                due_date=today + dt.timedelta(days=offsets[n % len(offsets)]),
            )
            person.actions.append(action.pk)
    for i, person in enumerate(p for p in people if p.role == "board_member"):
        for n in range(SUBMITTED_PER_BOARD_MEMBER):
            number += 1
            owner = owners[(i + n) % len(owners)]
            action = Action.objects.create(
                finding=findings[number % FINDINGS],
                title=f"Improve recording, workstream {number}",
                owner=by_name[owner.username],
                status=Status.IN_PROGRESS,
                due_date=today + dt.timedelta(days=30),
            )
            evidence_add(
                action=action,
                by=by_name[owner.username],
                description="Recording audit results",
                effective_date=today,
                upload=ContentFile(pdf(20_000, f"seed {number}"), name="audit.pdf"),
            )
            Action.objects.filter(pk=action.pk).update(
                status=Status.SUBMITTED, closing_summary="Recording audited: compliance 98%."
            )
            person.actions.append(action.pk)
    for person in people:
        user = by_name[person.username]
        client = Client()
        client.force_login(user)
        person.session = client.cookies["sessionid"].value
        if person.role != "auditor":
            _, person.token = token_create(user=user, name="load test")
    return people


def pdf(size: int, marker: str) -> bytes:
    head = f"%PDF-1.4\n% {marker}\n".encode()
    return head + os.urandom(max(size - len(head), 0))


# --- the load ----------------------------------------------------------------------------


@dataclass
class Record:
    kind: str
    port: int
    started: float
    ended: float
    status: int | None
    error: str = ""
    marker: str = ""  # a write's unique note or description
    refused_over: bool = False  # a connection was refused first and the other server took it


class Servers:
    """What a load balancer knows: which servers answer. Round robin over the live ones."""

    def __init__(self, ports: list[int]):
        self.ports = list(ports)
        self.down: set[int] = set()
        self.turn = 0
        self.lock = threading.Lock()

    def pick(self, avoid: int | None = None) -> int | None:
        with self.lock:
            live = [p for p in self.ports if p not in self.down and p != avoid]
            if not live:
                return None
            self.turn += 1
            return live[self.turn % len(live)]

    def mark_down(self, port: int) -> None:
        with self.lock:
            self.down.add(port)


def refused(error: Exception) -> bool:
    """True when the connection was never made: nothing was sent, so another server may take it."""
    reason = error.args[0] if error.args else None
    return isinstance(reason, MaxRetryError) and isinstance(reason.reason, NewConnectionError)


class Simulated:
    """One person: a session cookie for pages and exports, a token for the API."""

    def __init__(self, person: Person, servers: Servers, records: list, deadline: float, seed):
        self.person = person
        self.servers = servers
        self.records = records
        self.deadline = deadline
        self.random = random.Random(seed)  # noqa: S311  (think times, not secrets)
        self.http = requests.Session()
        self.http.cookies.set("sessionid", person.session)
        self.api = {"Authorization": f"Token {person.token}"} if person.token else {}
        self.to_decide = list(person.actions) if person.role == "board_member" else []

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            getattr(self, self.person.role)()
            time.sleep(self.random.uniform(0.3, 1.2))

    def request(self, kind, method, path, *, marker="", stream=False, **kwargs) -> None:
        port = self.servers.pick()
        failed_over = False
        while port is not None:
            started = time.monotonic()
            try:
                response = self.http.request(
                    method,
                    f"http://127.0.0.1:{port}{path}",
                    timeout=(5, 120),
                    stream=stream,
                    allow_redirects=False,
                    **kwargs,
                )
                if stream:
                    for _ in response.iter_content(1024 * 1024):
                        pass
                status, error = response.status_code, ""
                response.close()
            except requests.ConnectionError as exc:
                if refused(exc):
                    self.servers.mark_down(port)
                    port, failed_over = self.servers.pick(avoid=port), True
                    continue
                status, error = None, type(exc).__name__
            except requests.RequestException as exc:
                status, error = None, type(exc).__name__
            self.records.append(
                Record(kind, port, started, time.monotonic(), status, error, marker, failed_over)
            )
            return
        self.records.append(Record(kind, 0, time.monotonic(), time.monotonic(), None, "no server"))

    def owner(self) -> None:
        action = self.random.choice(self.person.actions)
        roll = self.random.random()
        marker = f"load:{uuid.uuid4().hex}"
        if roll < 0.4:
            self.request(
                "owner: post update (API)",
                "POST",
                f"/api/v1/actions/{action}/updates/",
                marker=marker,
                json={"note": marker, "progress": self.random.randint(10, 90)},
                headers=self.api,
            )
        elif roll < 0.6:
            content = pdf(self.random.randint(20_000, 400_000), marker)
            self.request(
                "owner: upload evidence (API)",
                "POST",
                f"/api/v1/actions/{action}/evidence/",
                marker=marker,
                data={
                    "description": marker,
                    "effective_date": dt.date.today().isoformat(),
                    "marking": "OFFICIAL",
                },
                files={"file": ("evidence.pdf", content, "application/pdf")},
                headers=self.api,
            )
        elif roll < 0.8:
            self.request("page: my actions", "GET", "/")
        else:
            self.request("page: action", "GET", f"/actions/{action}/")

    def board_member(self) -> None:
        if self.to_decide and self.random.random() < 0.4:
            action = self.to_decide.pop()
            move = self.random.choice(["sign-off", "return"])
            marker = f"load:{uuid.uuid4().hex}"
            self.request(
                f"board: {move} (API)",
                "POST",
                f"/api/v1/actions/{action}/{move}/",
                marker=marker,
                json={"note": marker},
                headers=self.api,
            )
        elif self.random.random() < 0.5:
            self.request("page: review queue", "GET", "/review/")
        else:
            self.request(
                "page: action", "GET", f"/actions/{self.random.choice(self.person.actions)}/"
            )

    def auditor(self) -> None:
        roll = self.random.random()
        if roll < 0.15:
            path = f"/packs/inspection/{self.person.inspection}.zip"
            self.request("auditor: evidence pack", "GET", path, stream=True)
        elif roll < 0.5:
            self.request("auditor: CSV export", "GET", "/exports/actions.csv", stream=True)
        elif roll < 0.75:
            self.request("page: audit trail", "GET", "/audit/")
        else:
            self.request("page: all actions", "GET", "/actions/")


# --- after the load ----------------------------------------------------------------------


def drain(timeout: float) -> float:
    """Wait until the surviving worker has sent every queued email; seconds waited."""
    from django.db import close_old_connections

    from notifications.models import Notification

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        close_old_connections()
        waiting = Notification.objects.email().filter(status="pending").count()
        if not waiting:
            break
        time.sleep(1)
    return time.monotonic() - started


def emails_written(folder: Path) -> collections.Counter:
    """Notice ids in the emails the file backend wrote (one header per message)."""
    sent = collections.Counter()
    for path in folder.glob("*.log") if folder.exists() else []:
        for ids in re.findall(r"^X-PEELtrack-Notices: ([\d,]+)$", path.read_text(), re.M):
            sent.update(int(i) for i in ids.split(","))
    return sent


def server_times(workdir: Path) -> list[float]:
    """duration_ms of every request line the app servers logged."""
    import json

    times = []
    for path in workdir.glob("server-*.log"):
        for line in path.read_text().splitlines():
            if '"peeltrack.request"' in line:
                times.append(json.loads(line)["duration_ms"])
    return times


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(args, records, killed_server: Process, killed_worker: Process, workdir, drained):
    from actions.models import Evidence, Update
    from notifications.models import Notification

    killed_port = args.ports[1]
    kill_time = killed_server.killed_at or float("inf")

    def lost_with_the_server(r: Record) -> bool:
        # A connection to the killed server broke: a request in flight when it died, or
        # one sent on a kept-alive connection before the client saw it was gone.
        return r.port == killed_port and r.status is None and r.ended >= kill_time

    errors = [r for r in records if r.error or (r.status or 0) >= 500]
    at_kill = [r for r in errors if lost_with_the_server(r)]
    other = [r for r in errors if not lost_with_the_server(r)]
    refused_writes = [r for r in records if r.marker and r.status and 400 <= r.status < 500]
    print(f"\n== Load: {args.users} users for {args.seconds} s against ports {args.ports}")
    print(
        f"requests {len(records)}, {len(records) / args.seconds:.1f}/s; errors {len(errors)}: "
        f"{len(at_kill)} on connections to the killed server, {len(other)} other"
    )
    print(
        f"failed over after a refused connection: {sum(r.refused_over for r in records)}; "
        f"writes refused by a rule (4xx): {len(refused_writes)}"
    )
    for r in other[:10]:
        print(f"   other error: {r.kind} port {r.port} status {r.status} {r.error}")
    print(f"\n{'request':<32} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    kinds = sorted({r.kind for r in records})
    for kind in [*kinds, "all"]:
        times = [
            (r.ended - r.started) * 1000
            for r in records
            if (kind == "all" or r.kind == kind) and r.status and r.status < 500
        ]
        print(
            f"{kind:<32} {len(times):>6} {percentile(times, 50):>8.0f} "
            f"{percentile(times, 95):>8.0f} {percentile(times, 99):>8.0f}"
        )

    served = server_times(workdir)
    print(
        f"\nas the servers saw it (their JSON request lines, {len(served)} requests): p50 "
        f"{percentile(served, 50):.0f} ms, p95 {percentile(served, 95):.0f} ms, p99 "
        f"{percentile(served, 99):.0f} ms; the rest of the client's time is the wait for a "
        "free worker thread"
    )

    writes = [r for r in records if r.marker]
    acknowledged = {r.marker for r in writes if r.status in (200, 201)}
    unanswered = {r.marker for r in writes if r.status is None}
    stored = collections.Counter(
        Update.objects.filter(note__startswith="load:").values_list("note", flat=True)
    )
    stored.update(
        Evidence.objects.filter(description__startswith="load:").values_list(
            "description", flat=True
        )
    )
    lost = acknowledged - set(stored)
    duplicated = [m for m, n in stored.items() if n > 1]
    strangers = set(stored) - {r.marker for r in writes}
    print("\n== Writes: acknowledged by a server, then looked for in the database")
    print(
        f"acknowledged {len(acknowledged)}; lost {len(lost)}; duplicated {len(duplicated)}; "
        f"in the database but never sent {len(strangers)}"
    )
    print(
        f"unanswered (in flight when a server died) {len(unanswered)}: "
        f"{len(unanswered & set(stored))} committed, {len(unanswered - set(stored))} not"
    )

    emails = Notification.objects.email()
    by_status = collections.Counter(emails.values_list("status", flat=True))
    written = emails_written(workdir / "mail")
    sent_ids = set(emails.filter(status="sent").values_list("pk", flat=True))
    interrupted = set(emails.filter(status="sending").values_list("pk", flat=True))
    print("\n== Emails: notices stored by the reminders, emails written by the two workers")
    print(
        f"notices {sum(by_status.values())} ({dict(sorted(by_status.items()))}); "
        f"emails written {sum(written.values())} for {len(written)} notices; "
        f"queue drained {drained:.0f} s after the load"
    )
    print(
        f"duplicate emails {sum(n - 1 for n in written.values() if n > 1)}; "
        f"recorded sent but no email {len(sent_ids - set(written))}; "
        f"interrupted by the worker kill {len(interrupted)}"
    )
    if interrupted:
        print(
            f"   left 'sending': {len(interrupted & set(written))} after their email was written, "
            f"{len(interrupted - set(written))} before; the next reminders run after an hour "
            "marks them failed and sends them again (at least once: the first would then be "
            "a second email)"
        )
    verify = subprocess.run(  # noqa: S603
        [PY, "manage.py", "verify_evidence", "--no-record"],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"\nverify_evidence over the store: {(verify.stdout or verify.stderr).strip()}")
    print(f"\nLogs (JSON lines) in {workdir}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--ports", type=int, nargs=2, default=[8112, 8113])
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="peeltrack_load", help="dropped and recreated")
    parser.add_argument("--reminders-at", type=float, default=3)
    parser.add_argument("--kill-worker-at", type=float, default=6)
    parser.add_argument("--kill-server-at", type=float, default=25)
    parser.add_argument(
        "--gunicorn-workers",
        type=int,
        default=2,
        help="processes per app server (both servers, the database, the store, the workers "
        "and this client share one machine's cores here)",
    )
    args = parser.parse_args()
    if args.users < 3 or args.seconds > 600:
        raise SystemExit("Between 3 users and 600 seconds.")

    workdir = Path(tempfile.mkdtemp(prefix="peeltrack-load-"))
    env = environment(args, workdir)
    started_azurite = not azurite_up()
    if started_azurite:
        subprocess.run(["bash", "scripts/azurite", "start", str(workdir / "azurite")], check=True)  # noqa: S603, S607
    recreate_database(args)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    begun = time.monotonic()
    people = seed(args.users)
    print(
        f"Seeded {len(people)} people and their actions in {time.monotonic() - begun:.0f} s.",
        flush=True,
    )
    from django.db import connections

    connections.close_all()

    servers = [
        start(
            f"server-{port}",
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "gunicorn.conf.py"],
            {
                **env,
                "GUNICORN_BIND": f"127.0.0.1:{port}",
                "GUNICORN_WORKERS": str(args.gunicorn_workers),
            },
            workdir,
        )
        for port in args.ports
    ]
    workers = [
        start(f"worker-{n}", [PY, "manage.py", "db_worker", "--no-reload"], env, workdir)
        for n in (1, 2)
    ]
    try:
        for port in args.ports:
            wait_ready(port)
        records: list[Record] = []
        balancer = Servers(args.ports)
        deadline = time.monotonic() + args.seconds
        load_start = time.monotonic()
        cron = []

        def timeline():
            def at(offset):
                time.sleep(max(0, load_start + offset - time.monotonic()))

            at(args.reminders_at)
            # Two hosts' cron at the same moment: the unique key stores each notice once,
            # and each email is claimed by one worker however often it is queued.
            cron.extend(
                start(f"reminders-{n}", [PY, "manage.py", "send_reminders"], env, workdir)
                for n in (1, 2)
            )
            at(args.kill_worker_at)
            # Part-way through the emails: once the workers have sent some.
            from django.db import close_old_connections

            from notifications.models import Notification

            for _ in range(60):
                if Notification.objects.email().filter(status="sent").count() >= 20:
                    break
                time.sleep(0.5)
            close_old_connections()
            workers[1].kill()
            print(
                f"t={time.monotonic() - load_start:.0f}s killed task worker 2 (SIGKILL)", flush=True
            )
            at(args.kill_server_at)
            servers[1].kill()
            print(
                f"t={time.monotonic() - load_start:.0f}s killed app server {args.ports[1]}",
                flush=True,
            )

        events = threading.Thread(target=timeline, daemon=True)
        events.start()
        threads = [
            threading.Thread(
                target=Simulated(p, balancer, records, deadline, seed=n).run, daemon=True
            )
            for n, p in enumerate(people)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 180)
        events.join(timeout=5)
        for job in cron:
            job.popen.wait(timeout=120)
        drained = drain(timeout=180)
        report(args, records, servers[1], workers[1], workdir, drained)
    finally:
        for process in [*servers, *workers]:
            if process.killed_at is None:
                process.stop()
            else:
                process.popen.wait(timeout=10)
        if started_azurite:
            stop = ["bash", "scripts/azurite", "stop", str(workdir / "azurite")]
            subprocess.run(stop, check=False)  # noqa: S603, S607


if __name__ == "__main__":
    main()
