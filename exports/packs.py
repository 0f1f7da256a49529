"""Evidence packs: one ZIP an auditor can check offline without trusting the app.

A pack holds a folder per inspection / finding / action with that action's evidence
files, a manifest.csv, an index.html a person can open offline, the audit-trail
extract for the items in it, a README saying how to check it, SHA256SUMS for
`sha256sum -c`, and the site's Ed25519 signature of SHA256SUMS (exports.signing) with
its public key, so a pack whose files, manifest and sums were all changed together is
found out. It is zipped while it streams (zipstream-ng), so memory stays flat
whatever its size. Each file's SHA-256 is recomputed from the bytes sent and
compared with the hash recorded at upload; a difference is flagged in the manifest
and the index, never hidden. OFFICIAL-SENSITIVE evidence a user may not see is left
out and listed as withheld.
"""

import hashlib
from collections.abc import Iterable, Iterator
from zipfile import ZIP_DEFLATED, ZIP_STORED

from django.db.models import CharField, Count, F, Q
from django.db.models.functions import Cast
from django.utils import timezone
from zipstream import ZipStream

from actions.models import Action, Evidence
from actions.rules import can_see_evidence
from audit.models import Event
from inspections.models import Finding

from . import signing, tables, writers
from .pack_contents import (
    LINK,
    MANIFEST_HEADERS,
    MISMATCH,
    MISSING,
    OK,
    PUBLIC_KEY,
    README,
    SIGNATURE,
    SUMS,
    WITHHELD,
    Entry,
    action_folder,
    file_name,
    version,
    who,
)
from .pack_index import PackIndex
from .rules import EXPORTERS

READ_CHUNK = 1024 * 1024


# How each evidence item ended up in the pack (the manifest's "Check" column).
class EvidencePack:
    """The plan of a pack (what goes in, what is withheld) and the stream that makes it."""

    def __init__(self, *, user, title: str, actions, findings, filters: dict | None = None):
        self.user = user
        self.title = title
        self.actions = actions
        self.findings = findings
        self.filters = filters or {}
        self.made_at = timezone.now()
        self.sums: dict[str, str] = {}
        self.sums_bytes = b""
        self.entries = self._plan()
        self.withheld_keys = {str(e.evidence.pk) for e in self.entries if e.withheld}

    # --- plan ----------------------------------------------------------------------

    def _plan(self) -> list[Entry]:
        evidence = (
            Evidence.objects.filter(action__in=self.actions.values("pk"))
            .select_related("action__finding__inspection", "action__owner", "uploaded_by")
            .annotate(newer=F("superseded_by__pk"))
            .order_by("action__finding__inspection_id", "action__finding__order", "action_id", "pk")
        )
        entries = []
        for item in evidence.iterator(chunk_size=500):
            entry = Entry(item)
            if not can_see_evidence(self.user, item, item.action):
                entry.check = WITHHELD
            elif item.kind != Evidence.Kind.FILE:
                entry.check = LINK
            elif not item.file or not item.file.storage.exists(item.file.name):
                entry.check = MISSING
            else:
                entry.path = f"{action_folder(item.action)}/{file_name(item)}"
            entries.append(entry)
        return entries

    @property
    def files(self) -> list[Entry]:
        return [e for e in self.entries if e.included]

    @property
    def withheld(self) -> list[Entry]:
        return [e for e in self.entries if e.withheld]

    def counts(self) -> dict:
        return {
            "files": len(self.files),
            "withheld": len(self.withheld),
            "links": sum(e.check == LINK for e in self.entries),
            "missing": sum(e.check == MISSING for e in self.entries),
        }

    def per_force(self) -> dict:
        """Files included per force (forces with actions but no files count 0)."""
        totals = {
            row["force"]: 0
            for row in self.actions.order_by()
            .values(force=F("finding__inspection__force_id"))
            .annotate(n=Count("pk"))
        }
        for entry in self.files:
            force = entry.evidence.action.finding.inspection.force_id
            totals[force] = totals.get(force, 0) + 1
        return totals

    def record(self, *, path: str) -> None:
        """The download, in the audit trail: who, what scope and filter, how many files."""
        counts = self.counts()
        tables.record_download(
            self.user,
            verb="export.pack",
            title=self.title,
            summary=(
                f"Evidence pack downloaded: {self.title} ({counts['files']} files, "
                f"{counts['withheld']} withheld)"
            ),
            per_force=self.per_force(),
            format="zip",
            filters=self.filters,
            path=path,
            **counts,
        )

    # --- stream ----------------------------------------------------------------------

    def stream(self) -> Iterator[bytes]:
        """The ZIP, built while it is sent. Generated files come last: they report the checks."""
        archive = ZipStream(compress_type=ZIP_DEFLATED)
        for entry in self.files:
            # Evidence is mostly PDF, Office and images: already compressed, so stored.
            archive.add(self._file_bytes(entry), entry.path, compress_type=ZIP_STORED)
        archive.add(self._hashed("manifest.csv", self._manifest()), "manifest.csv")
        archive.add(self._hashed("audit-trail.csv", self._audit_trail()), "audit-trail.csv")
        archive.add(self._hashed("index.html", PackIndex(self).stream()), "index.html")
        archive.add(self._hashed("README.txt", [self.readme().encode()]), "README.txt")
        archive.add(self._checksums(), SUMS)
        archive.add(self._signature(), SIGNATURE)
        archive.add([signing.public_pem()], PUBLIC_KEY)
        yield from archive

    def _file_bytes(self, entry: Entry) -> Iterator[bytes]:
        """The stored file, re-hashed as it is read; the result goes into the manifest."""
        digest = hashlib.sha256()
        size = 0
        try:
            with entry.evidence.file.open("rb") as handle:
                for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
                    digest.update(chunk)
                    size += len(chunk)
                    yield chunk
        except OSError:
            entry.check = MISSING
            return
        entry.actual_sha256 = digest.hexdigest()
        entry.actual_size = size
        entry.check = OK if entry.actual_sha256 == entry.evidence.sha256 else MISMATCH
        self.sums[entry.path] = entry.actual_sha256

    def _hashed(self, name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
        digest = hashlib.sha256()
        for chunk in chunks:
            digest.update(chunk)
            yield chunk
        self.sums[name] = digest.hexdigest()

    def _checksums(self) -> Iterator[bytes]:
        self.sums_bytes = "".join(
            f"{digest}  {name}\n" for name, digest in self.sums.items()
        ).encode()
        yield self.sums_bytes

    def _signature(self) -> Iterator[bytes]:
        # SHA256SUMS lists every other file, manifest.csv included: signing it signs all.
        yield signing.sign(self.sums_bytes)

    def _manifest(self) -> Iterator[bytes]:
        return writers.csv_stream(MANIFEST_HEADERS, (self._manifest_row(e) for e in self.entries))

    def _manifest_row(self, entry: Entry) -> list:
        item = entry.evidence
        action = item.action
        if entry.withheld:
            # That it exists, where and when; not its name, description or content.
            return [
                "",
                item.pk,
                action.pk,
                action.title,
                action.finding.reference,
                action.finding.inspection.programme,
                "",
                item.get_kind_display(),
                "",
                "",
                item.uploaded_at,
                item.effective_date,
                item.marking,
                version(item),
                "",
                "",
                "",
                entry.check,
                "",
            ]
        return [
            entry.path,
            item.pk,
            action.pk,
            action.title,
            action.finding.reference,
            action.finding.inspection.programme,
            item.description,
            item.get_kind_display(),
            item.url,
            who(item.uploaded_by),
            item.uploaded_at,
            item.effective_date,
            item.marking,
            version(item),
            item.size if item.kind == Evidence.Kind.FILE else "",
            item.sha256,
            entry.actual_sha256,
            entry.check,
            # The name it was uploaded with, as the uploader wrote it (the path is made safe).
            item.original_name,
        ]

    # --- audit trail ---------------------------------------------------------------

    def events(self):
        """Events about the pack's actions, findings and inspections, oldest first."""
        finding_keys = self.findings.annotate(key=Cast("pk", CharField())).values("key")
        inspection_keys = self.findings.annotate(key=Cast("inspection_id", CharField())).values(
            "key"
        )
        return Event.objects.filter(
            Q(action_id__in=self.actions.values("pk"))
            | Q(object_type="finding", object_id__in=finding_keys)
            | Q(object_type="inspection", object_id__in=inspection_keys)
        ).order_by("created_at", "pk")

    def redact(self, row: dict) -> dict:
        """Events about withheld evidence keep their time, actor and verb, not the name."""
        if row["object_type"] == "evidence" and row["object_id"] in self.withheld_keys:
            return {
                **row,
                "object_repr": "Withheld (OFFICIAL-SENSITIVE)",
                "summary": "Withheld (OFFICIAL-SENSITIVE evidence)",
                "changes": {},
                "data": {},
            }
        return row

    def _audit_trail(self) -> Iterator[bytes]:
        columns = tables.event_columns(lambda pk: "")
        rows = (
            [c.get(self.redact(row)) for c in columns]
            for row in tables.event_rows(self.events()).iterator(chunk_size=2000)
        )
        return writers.csv_stream([c.header for c in columns], rows)

    def readme(self) -> str:
        return README.format(
            title=self.title, made=writers.iso(self.made_at), fingerprint=signing.fingerprint()
        )


def inspection_pack(*, user, inspection, filters=None) -> EvidencePack:
    """Every finding of an inspection, with the actions user may export."""
    actions = tables.scoped(Action, user, "finding__inspection__force_id", EXPORTERS)
    return EvidencePack(
        user=user,
        title=f"Evidence pack: {inspection}",
        actions=actions.filter(finding__inspection=inspection),
        findings=Finding.objects.filter(inspection=inspection),
        filters=filters,
    )


def finding_pack(*, user, finding, filters=None) -> EvidencePack:
    actions = tables.scoped(Action, user, "finding__inspection__force_id", EXPORTERS)
    return EvidencePack(
        user=user,
        title=f"Evidence pack: {finding.inspection} {finding.reference}",
        actions=actions.filter(finding=finding),
        findings=Finding.objects.filter(pk=finding.pk),
        filters=filters,
    )


def actions_pack(*, user, actions, filters=None) -> EvidencePack:
    """The actions of a filtered list and the findings they answer."""
    return EvidencePack(
        user=user,
        title="Evidence pack: filtered actions",
        actions=actions,
        findings=Finding.objects.filter(pk__in=actions.values("finding_id")),
        filters=filters,
    )
