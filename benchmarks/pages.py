"""Benchmark: the busiest pages and API lists at 10,000 / 100,000 actions.

Prints, for each page, the median response time over a few requests and the number
of database queries, so you can see that the query count stays the same as the data
grows and how the time scales. A script that prints figures, not a test.

    .venv/bin/python benchmarks/pages.py                  # 10,000 actions, SQLite
    .venv/bin/python benchmarks/pages.py --rows 100000
    .venv/bin/python benchmarks/pages.py --database postgres://user@host/scratch

It reuses the export benchmark's seeding (one force, ten inspections, actions with
updates, decisions and evidence). --database fills the database you name: give it one
you can throw away.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import exports  # noqa: E402  (the export benchmark: configure() and seed())

PAGES = [
    "/",
    "/actions/",
    "/actions/?overdue=true",
    "/actions/?status=submitted&rag=red",
    "/dashboard/",
    "/review/",
    "/inspections/1/",
    "/audit/",
    "/api/v1/actions/",
    "/api/v1/actions/?overdue=true",
    "/api/v1/events/",
]
REPEATS = 5


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--database", help="a throwaway database URL (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        exports.configure(args, Path(tmp))
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection, reset_queries
        from django.test import Client
        from django.test.utils import CaptureQueriesContext, override_settings

        from forces.models import Force, Membership

        started = time.perf_counter()
        exports.seed(args.rows, args.files)
        print(f"Seeded {args.rows:,} actions in {time.perf_counter() - started:.1f} s.")
        user = get_user_model().objects.get(username="bench-auditor")
        # A coordinator and board member too, so every page has something to show.
        for role in ("coordinator", "board_member"):
            Membership.objects.create(user=user, force=Force.objects.get(), role=role)
        client = Client()
        client.force_login(user)
        # Pages link static files; the benchmark has not run collectstatic.
        plain_static = override_settings(
            STORAGES={
                **settings.STORAGES,
                "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
            }
        )
        plain_static.enable()
        print(f"\n{'page':<38} {'median':>9} {'queries':>8}")
        for url in PAGES:
            times = []
            for _ in range(REPEATS):
                reset_queries()
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - start)
                assert response.status_code == 200, (url, response.status_code)
            median = statistics.median(times) * 1000
            print(f"{url:<38} {median:>7.0f} ms {len(queries):>8}")


if __name__ == "__main__":
    main()
