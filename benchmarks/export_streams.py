"""Benchmark: CSV, XLSX and evidence-pack downloads at 100,000 actions / 1,000 files.

Prints time to first byte, total time, bytes sent and peak Python memory for each
download, at a tenth of the data (one inspection) and at all of it, so you can see
that memory stays flat as the rows grow. A script that prints figures, not a test.

    .venv/bin/python benchmarks/export_streams.py                 # throwaway SQLite database
    .venv/bin/python benchmarks/export_streams.py --rows 20000 --files 200
    .venv/bin/python benchmarks/export_streams.py --database postgres://user@host/scratch

--database fills the database you name with benchmark data, which cannot be deleted
afterwards (audit events are append-only): give it one you can throw away.
"""

import argparse
import datetime as dt
import hashlib
import os
import secrets
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSPECTIONS = 10
FINDINGS_PER_INSPECTION = 100


def configure(args, workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = args.database or f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "files")
    # Development settings (a throwaway SQLite database is allowed), then DEBUG off as in
    # production once Django is set up: no query log kept in memory.
    os.environ["DEBUG"] = "true"
    os.environ["SECURE_SSL_REDIRECT"] = "false"  # the test client speaks plain HTTP
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(40)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peeltrack.settings")
    import django
    from django.conf import settings

    django.setup()
    settings.DEBUG = False


def seed(rows: int, files: int) -> tuple:
    """Bulk-create one force's inspections, findings, actions, updates and evidence."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.utils import timezone

    from actions.models import Action, Evidence, Update
    from forces.models import Force, Membership
    from governance.models import Decision
    from inspections.models import Finding, Inspection

    call_command("migrate", verbosity=0)
    users = get_user_model().objects
    force = Force.objects.create(name="Benchmark Constabulary", slug="benchmark")
    auditor = users.create_user("bench-auditor", first_name="Ada", last_name="Auditor")
    owner = users.create_user("bench-owner", first_name="Owen", last_name="Owner")
    Membership.objects.create(user=auditor, force=force, role="auditor")
    Membership.objects.create(user=owner, force=force, role="owner")
    inspections = Inspection.objects.bulk_create(
        Inspection(
            force=force, programme=f"PEEL {2014 + i}/{15 + i}", published=dt.date(2020, 1, 1)
        )
        for i in range(INSPECTIONS)
    )
    findings = Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            reference=f"AFI {n + 1}",
            kind="area_for_improvement",
            text="The force should ensure all staff have received the lowest level of vetting. "
            * 2,
            order=n,
        )
        for inspection in inspections
        for n in range(FINDINGS_PER_INSPECTION)
    )
    today = timezone.localdate()
    now = timezone.now()
    batch = 5000
    for start in range(0, rows, batch):
        Action.objects.bulk_create(
            Action(
                finding=findings[(n * len(findings)) // rows],
                title=f"Action {n}: clear the vetting backlog – “phase” {n % 7}",
                description="Recruit two vetting officers and clear the backlog.",
                owner=owner,
                team="Vetting unit",
                status=["not_started", "in_progress", "submitted", "closed"][n % 4],
                rag=["red", "amber", "green", ""][n % 4],
                progress=n % 101,
                due_date=today + dt.timedelta(days=(n % 200) - 100),
                original_due_date=today + dt.timedelta(days=(n % 200) - 120),
                closed_date=today if n % 4 == 3 else None,
                last_update_at=now,
            )
            for n in range(start, min(start + batch, rows))
        )
    action_ids = list(Action.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(action_ids), batch):
        Update.objects.bulk_create(
            Update(
                action_id=pk,
                author=owner,
                note="Recruited two vetting officers; backlog down by a third.",
                status_before="in_progress",
                status_after="in_progress",
                progress=40,
            )
            for pk in action_ids[start : start + batch]
        )
    Decision.objects.bulk_create(
        Decision(
            action_id=pk, outcome="signed_off", rationale="Evidence shows it.", decided_by=auditor
        )
        for pk in action_ids[3::40]
    )
    media = Path(settings.STORAGES["default"]["OPTIONS"]["location"])
    (media / "evidence").mkdir(parents=True, exist_ok=True)
    step = max(len(action_ids) // files, 1)
    evidence = []
    for i in range(files):
        content = b"%PDF-1.4\n" + os.urandom(16 * 1024) + f"\n% evidence {i}\n".encode()
        name = f"evidence/bench-{i:05d}"
        (media / name).write_bytes(content)
        evidence.append(
            Evidence(
                action_id=action_ids[(i * step) % len(action_ids)],
                kind="file",
                file=name,
                original_name=f"evidence-{i}.pdf",
                description="Vetting policy",
                effective_date=today,
                uploaded_by=owner,
                size=len(content),
                content_type="application/pdf",
                sha256=hashlib.sha256(content).hexdigest(),
            )
        )
    Evidence.objects.bulk_create(evidence)
    return auditor, inspections[0]


def measure(client, url: str, *, trace: bool) -> dict:
    if trace:
        tracemalloc.start()
        tracemalloc.reset_peak()
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    chunks = iter(response.streaming_content)
    size = len(next(chunks))
    first = time.perf_counter() - start
    for chunk in chunks:
        size += len(chunk)
    total = time.perf_counter() - start
    peak = 0
    if trace:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {"ttfb": first, "total": total, "bytes": size, "peak": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="actions (default 100,000)")
    parser.add_argument("--files", type=int, default=1_000, help="evidence files (default 1,000)")
    parser.add_argument("--database", help="DATABASE_URL to use instead of a throwaway SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peeltrack-bench-") as workdir:
        configure(args, Path(workdir))
        from django.test import Client

        started = time.perf_counter()
        auditor, first_inspection = seed(args.rows, args.files)
        print(
            f"Seeded {args.rows:,} actions, {args.rows:,} updates and {args.files:,} evidence "
            f"files in {time.perf_counter() - started:.1f} s "
            f"({os.environ['DATABASE_URL'].split(':')[0]})."
        )
        client = Client()
        client.force_login(auditor)
        part = f"inspection={first_inspection.pk}"
        downloads = [
            ("CSV  actions", "/exports/actions.csv"),
            ("XLSX actions", "/exports/actions.xlsx"),
            ("ZIP  evidence pack", "/packs/actions.zip"),
        ]
        print(
            f"\n{'download':<20} {'scope':<24} {'first byte':>11} {'total':>9} "
            f"{'size':>10} {'peak memory':>12}"
        )
        for label, url in downloads:
            for scope, query in (
                (f"1 inspection ({args.rows // INSPECTIONS:,})", part),
                (f"all ({args.rows:,} actions)", ""),
            ):
                address = f"{url}?{query}" if query else url
                timed = measure(client, address, trace=False)
                traced = measure(client, address, trace=True)
                print(
                    f"{label:<20} {scope:<24} {timed['ttfb'] * 1000:>8.0f} ms "
                    f"{timed['total']:>7.1f} s {timed['bytes'] / 2**20:>7.1f} MB "
                    f"{traced['peak'] / 2**20:>9.1f} MB"
                )
        print(
            "\nPeak memory is Python's own allocations during the download (tracemalloc, a "
            "separate run from the timed one, as tracing slows it). The pack holds "
            f"{args.files:,} files across all actions, a tenth of them in one inspection."
        )


if __name__ == "__main__":
    main()
