"""Benchmark: importing an existing action plan of 5,000 rows, then uploading it again.

Prints how long each stage takes (reading the XLSX, checking every row, writing the
actions through the actions rules) for the first upload, which creates every action, for
a second upload of the same file, which must change nothing, and for next month's version,
in which every row has a new due date and a new update. The issue asks for a
5,000-row plan in under a minute. A script that prints figures, not a test.

    .venv/bin/python benchmarks/action_plans.py                       # throwaway SQLite database
    .venv/bin/python benchmarks/action_plans.py --rows 20000
    .venv/bin/python benchmarks/action_plans.py --database postgres://user@host/scratch

--database fills the database you name (audit events cannot be deleted): give it one you
can throw away.
"""

import argparse
import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exports  # noqa: E402  (the export benchmark's configure())

FINDINGS = 60
PEOPLE = 40
STATUSES = ["Not started", "In progress", "On hold", "Complete", "In progress"]


def workbook(rows: int, month: int = 0) -> bytes:
    """A plan as forces keep them: a reference, the finding, the action, owner, dates.
    A later month moves every due date and gives every row a new update."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Action plan")
    sheet.append(
        ["Ref", "AFI", "Finding", "Action", "Owner", "Target date", "Status", "RAG", "Update"]
    )
    for n in range(rows):
        sheet.append(
            [
                f"AP-{n:05d}",
                f"AFI {n % FINDINGS + 1}",
                "",
                f"Action {n}: review the vetting decisions of team {n % 97}",
                f"person{n % PEOPLE}@example.police.uk",
                # many in the past: history
                dt.date(2023, 1, 1) + dt.timedelta(days=n % 900 + 30 * month),
                STATUSES[n % len(STATUSES)],
                ["Red", "Amber", "Green"][n % 3],
                f"Progress note {n}, month {month}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from forces.models import Force, Membership
    from inspections.models import Finding, Inspection

    call_command("migrate", verbosity=0)
    force = Force.objects.create(name="Benchmark Constabulary", slug="benchmark")
    users = get_user_model().objects
    coordinator = users.create_user("bench-coordinator")
    Membership.objects.create(user=coordinator, force=force, role="coordinator")
    for n in range(PEOPLE):
        person = users.create_user(f"person{n}", email=f"person{n}@example.police.uk")
        Membership.objects.create(user=person, force=force, role="owner")
    inspection = Inspection.objects.create(force=force, programme="PEEL 2023-25")
    Finding.objects.bulk_create(
        Finding(
            inspection=inspection,
            reference=f"AFI {n + 1}",
            kind="area_for_improvement",
            text=f"The force should improve area {n + 1}.",
            order=n,
        )
        for n in range(FINDINGS)
    )
    return force, coordinator, inspection


def upload(data, force, coordinator, inspection) -> dict:
    from plans.fields import guess_mapping
    from plans.importer import apply_plan, plan_rows
    from plans.reading import read_table

    times = {}
    started = time.perf_counter()
    table = read_table(data, "plan.xlsx")
    times["read"] = time.perf_counter() - started
    mapping = guess_mapping(table.headings)
    started = time.perf_counter()
    plan = plan_rows(table, mapping, force=force, inspection=inspection)
    times["check"] = time.perf_counter() - started
    started = time.perf_counter()
    done = apply_plan(
        plan,
        force=force,
        by=coordinator,
        table=table,
        data=data,
        name="plan.xlsx",
        inspection=inspection,
        headings=table.headings,
    )
    times["write"] = time.perf_counter() - started
    times["total"] = times["read"] + times["check"] + times["write"]
    times["counts"] = done.counts
    return times


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=5_000)
    parser.add_argument("--database", help="a throwaway database URL (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exports.configure(args, Path(tmp))
        from django.db import connection

        force, coordinator, inspection = seed()
        data = workbook(args.rows)
        print(
            f"{connection.vendor}: a {args.rows:,}-row plan ({len(data) / 1e6:.1f} MB XLSX), "
            f"{FINDINGS} findings, {PEOPLE} owners"
        )
        later = workbook(args.rows, month=1)
        for label, sheet in (
            ("first upload (creates)", data),
            ("same file again (no change)", data),
            ("next month (every row new)", later),
        ):
            times = upload(sheet, force, coordinator, inspection)
            counts = times["counts"]
            print(
                f"{label:29} read {times['read']:5.1f} s  check {times['check']:5.1f} s  "
                f"write {times['write']:5.1f} s  total {times['total']:5.1f} s  "
                f"({counts['new']} new, {counts['update']} updated, "
                f"{counts['unchanged']} unchanged, {counts['error']} errors)"
            )


if __name__ == "__main__":
    main()
