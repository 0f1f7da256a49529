"""Walk every hash chain of the audit trail and name the first broken link."""

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audit import chain
from audit.models import Event
from forces.models import Force

ANCHOR_HEADERS = chain.ANCHOR_HEADERS


def force_label(force_id: int | None, names: dict) -> str:
    return "(no force)" if force_id is None else names.get(force_id, f"force {force_id}")


class Command(BaseCommand):
    help = (
        "Check the audit trail's hash chains: every event's sequence number, its link to "
        "the event before and its hash over its content. Names the first broken link of "
        "each chain and exits with status 1 if any is broken. With --anchors, also checks "
        "the chains still hold the daily hashes in an anchors CSV kept from before."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", help="only this force's chain (its slug)")
        parser.add_argument("--anchors", help="an anchors CSV downloaded earlier, to hold to")
        parser.add_argument(
            "--no-record",
            action="store_true",
            help="report only; do not write a broken chain to the audit trail",
        )

    def handle(self, *args, force=None, anchors=None, no_record=False, **options):
        slugs = dict(Force.objects.values_list("pk", "slug"))
        if force:
            found = Force.objects.filter(slug=force).first()
            if found is None:
                raise CommandError(f"No force with the slug {force!r}.")
            chains = [found.pk]
        else:
            chains = chain.chain_forces()
        broken = []
        for force_id in chains:
            report = chain.walk(force_id)
            label = force_label(force_id, slugs)
            if report.ok:
                self.stdout.write(
                    f"OK      {label}: {report.events} events, seq 1-{report.last_seq}, "
                    f"last hash {report.last_hash}"
                )
            else:
                broken.append((force_id, report.broken))
                self.stdout.write(f"BROKEN  {label}: {report.broken}")
        if anchors:
            broken += self._check_anchors(anchors, slugs, force)
        if broken and not no_record:
            self._record(broken, slugs)
        if broken:
            raise CommandError(f"{len(broken)} broken link(s) in the audit trail.")
        self.stdout.write(self.style.SUCCESS(f"All {len(chains)} audit chains verify."))

    def _check_anchors(self, path: str, slugs: dict, only: str | None) -> list:
        ids = {slug: pk for pk, slug in slugs.items()}
        try:
            with Path(path).open(newline="", encoding="utf-8-sig") as handle:
                rows = list(csv.DictReader(handle))
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        if rows and set(ANCHOR_HEADERS) - set(rows[0]):
            raise CommandError(f"{path} does not have the columns of an anchors CSV.")
        broken = []
        for row in rows:
            slug = row["Force"].strip()
            if only and slug != only:
                continue
            if slug and slug not in ids:
                broken.append((None, chain.Break(None, None, None, f"force {slug} is gone")))
                self.stdout.write(f"BROKEN  anchor {row['Day (UTC)']}: no force {slug}")
                continue
            force_id = ids.get(slug)
            try:
                seq = int(row["Last seq"])
            except ValueError:
                raise CommandError(f"{path}: {row['Last seq']!r} is not a seq.") from None
            problem = chain.check_anchor(force_id, seq, row["Last hash"].strip())
            if problem:
                broken.append((force_id, problem))
                self.stdout.write(
                    f"BROKEN  anchor {row['Day (UTC)']} {force_label(force_id, slugs)}: {problem}"
                )
        self.stdout.write(f"Checked {len(rows)} anchors from {path}.")
        return broken

    def _record(self, broken: list, slugs: dict) -> None:
        for force_id, problem in broken:
            with transaction.atomic():
                Event.objects.create(
                    force_id=force_id,
                    verb="audit.chain_broken",
                    object_type="audit",
                    object_id=str(problem.seq or ""),
                    object_repr=f"Audit trail of {force_label(force_id, slugs)}"[:300],
                    summary=f"Audit trail check failed: {problem}"[:300],
                    data={
                        "seq": problem.seq,
                        "event": problem.event_id,
                        "problem": problem.problem,
                    },
                )
