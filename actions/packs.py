"""Evidence packs: one ZIP an auditor can check offline without trusting the app.

A pack holds a folder per inspection / finding / action with that action's evidence
files, a manifest.csv, an index.html a person can open offline, the audit-trail
extract for the items in it, a README saying how to check it, and SHA256SUMS for
`sha256sum -c`. It is zipped while it streams (zipstream-ng), so memory stays flat
whatever its size. Each file's SHA-256 is recomputed from the bytes sent and
compared with the hash recorded at upload; a difference is flagged in the manifest
and the index, never hidden. OFFICIAL-SENSITIVE evidence a user may not see is left
out and listed as withheld.
"""

import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from zipfile import ZIP_DEFLATED, ZIP_STORED

from django.db.models import CharField, Count, F, Prefetch, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import slugify
from zipstream import ZipStream

from inspections.models import Finding

from . import exports, rules
from .models import Action, Decision, Event, Evidence

READ_CHUNK = 1024 * 1024
INDEX_FLUSH = 256 * 1024  # characters of index.html gathered before they are sent
ACTIONS_BATCH = 100  # actions (with their decisions and histories) read at a time

# How each evidence item ended up in the pack (the manifest's "Check" column).
OK = "OK"
MISMATCH = "MISMATCH: file differs from the SHA-256 recorded at upload"
MISSING = "MISSING: stored file not found"
WITHHELD = "WITHHELD: OFFICIAL-SENSITIVE, not shown to the person who made this pack"
LINK = "LINK: not a file"
PACK_FILES = ("manifest.csv", "audit-trail.csv", "index.html", "README.txt", "SHA256SUMS")

MANIFEST_HEADERS = [
    "Path in pack",
    "Evidence ID",
    "Action ID",
    "Action",
    "Finding",
    "Inspection",
    "Description",
    "Kind",
    "Link",
    "Uploaded by",
    "Uploaded at",
    "Effective date",
    "Marking",
    "Version",
    "Size (bytes)",
    "SHA-256 recorded at upload",
    "SHA-256 of the file in this pack",
    "Check",
]


def _slug(text: str, limit: int = 50) -> str:
    return slugify(text)[:limit].strip("-") or "item"


def _file_name(evidence: Evidence) -> str:
    name = PurePath(evidence.original_name or "file")
    suffix = re.sub(r"[^a-z0-9.]", "", name.suffix.lower())[:10]
    return f"evidence-{evidence.pk}-{_slug(name.stem, 60)}{suffix}"


def action_folder(action: Action) -> str:
    """inspection/finding/action: readable, unique, safe on every file system."""
    finding = action.finding
    return (
        f"{_slug(finding.inspection.programme)}/{_slug(finding.reference, 30)}"
        f"/action-{action.pk}-{_slug(action.title, 40)}"
    )


@dataclass
class Entry:
    """One evidence item and what happened to it in the pack."""

    evidence: Evidence
    path: str = ""
    check: str = ""
    actual_sha256: str = ""
    actual_size: int | None = None

    @property
    def included(self) -> bool:
        return bool(self.path)

    @property
    def withheld(self) -> bool:
        return self.check == WITHHELD


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
            if not rules.can_see_evidence(self.user, item, item.action):
                entry.check = WITHHELD
            elif item.kind != Evidence.Kind.FILE:
                entry.check = LINK
            elif not item.file or not item.file.storage.exists(item.file.name):
                entry.check = MISSING
            else:
                entry.path = f"{action_folder(item.action)}/{_file_name(item)}"
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
        exports.record_download(
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
        archive.add(self._hashed("index.html", self._index()), "index.html")
        archive.add(self._hashed("README.txt", [self._readme().encode()]), "README.txt")
        archive.add(self._checksums(), "SHA256SUMS")
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
        yield "".join(f"{digest}  {name}\n" for name, digest in self.sums.items()).encode()

    def _manifest(self) -> Iterator[bytes]:
        return exports.csv_stream(MANIFEST_HEADERS, (self._manifest_row(e) for e in self.entries))

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
                _version(item),
                "",
                "",
                "",
                entry.check,
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
            _who(item.uploaded_by),
            item.uploaded_at,
            item.effective_date,
            item.marking,
            _version(item),
            item.size if item.kind == Evidence.Kind.FILE else "",
            item.sha256,
            entry.actual_sha256,
            entry.check,
        ]

    # --- audit trail ---------------------------------------------------------------

    def events(self):
        """Events about the pack's actions, findings and inspections, oldest first."""
        finding_keys = self.findings.annotate(key=Cast("pk", CharField())).values("key")
        inspection_keys = self.findings.annotate(key=Cast("inspection_id", CharField())).values(
            "key"
        )
        return Event.objects.filter(
            Q(action__in=self.actions.values("pk"))
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
        columns = exports._event_columns(lambda pk: "")
        rows = (
            [c.get(self.redact(row)) for c in columns]
            for row in exports._event_rows(self.events()).iterator(chunk_size=2000)
        )
        return exports.csv_stream([c.header for c in columns], rows)

    # --- index.html ----------------------------------------------------------------

    def _index(self) -> Iterator[bytes]:
        """index.html, written action by action: memory stays flat however many there are."""
        by_action = defaultdict(list)
        for entry in self.entries:
            by_action[entry.evidence.action_id].append(entry)
        yield self._index_head().encode()
        actions = (
            self.actions.select_related(
                "owner", "finding__inspection__force", "finding__judgment", "finding__board"
            )
            .prefetch_related(
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.select_related("decided_by", "board").order_by(
                        "decided_at", "pk"
                    ),
                ),
                Prefetch(
                    "events",
                    queryset=Event.objects.select_related("actor").order_by("created_at", "pk"),
                ),
            )
            .order_by(
                "finding__inspection__published",
                "finding__inspection_id",
                "finding__order",
                "finding_id",
                "due_date",
                "pk",
            )
        )
        inspection = finding = None
        batch, size = [], 0
        for action in actions.iterator(chunk_size=ACTIONS_BATCH):
            if action.finding_id != finding:
                if finding is not None:
                    batch.append("</section>")
                finding = action.finding_id
                if action.finding.inspection_id != inspection:
                    inspection = action.finding.inspection_id
                    batch.append(self._index_inspection(action.finding.inspection))
                batch.append(self._index_finding(action.finding))
            part = self._index_action(action, by_action.get(action.pk, []))
            batch.append(part)
            size += len(part)
            if size >= INDEX_FLUSH:
                yield "".join(batch).encode()
                batch, size = [], 0
        if finding is not None:
            batch.append("</section>")
        yield "".join(batch).encode()
        yield self._index_without_actions()
        yield self._index_tail().encode()

    def _index_inspection(self, inspection) -> str:
        published = exports.iso(inspection.published) or "date not known"
        return f"<h2>{_e(inspection)}</h2><p>Published {_e(published)}.</p>"

    def _index_without_actions(self) -> bytes:
        """Findings in scope with no action in the pack (none raised yet, or filtered out)."""
        idle = (
            self.findings.exclude(pk__in=self.actions.values("finding_id"))
            .select_related("inspection", "judgment", "board")
            .order_by("inspection__published", "inspection_id", "order", "pk")
        )
        parts = []
        for finding in idle.iterator(chunk_size=ACTIONS_BATCH):
            if not parts:
                parts.append("<h2>Findings with no actions in this pack</h2>")
            parts.append(
                f"<p><strong>{_e(finding.inspection.programme)}</strong></p>"
                f"{self._index_finding(finding)}<p>No actions.</p></section>"
            )
        return "".join(parts).encode()

    def _index_head(self) -> str:
        counts = self.counts()
        filters = "; ".join(f"{k} = {', '.join(v)}" for k, v in self.filters.items())
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{_e(self.title)}</title><style>{INDEX_CSS}</style></head><body>"
            f"<h1>{_e(self.title)}</h1>"
            f"<p>Made {_e(exports.iso(self.made_at))} by {_e(_who(self.user))}."
            f"{' Filters: ' + _e(filters) + '.' if filters else ''}</p>"
            f"<p>{counts['files']} evidence files, {counts['links']} links, "
            f"{counts['withheld']} withheld, {counts['missing']} missing. "
            "The check of every file against the SHA-256 recorded at upload is at the "
            '<a href="#integrity">end of this page</a> and in manifest.csv. '
            'The audit trail of these items is in <a href="audit-trail.csv">audit-trail.csv</a>.'
            "</p>"
        )

    def _index_finding(self, finding: Finding) -> str:
        judgment = finding.judgment
        parts = [
            f'<section class="finding"><h3>{_e(finding.reference)}: '
            f"{_e(finding.get_kind_display())}</h3><blockquote>{_e(finding.text)}</blockquote>"
            "<dl>"
            f"<dt>Judgment</dt><dd>{_e(judgment) if judgment else 'Not recorded'}</dd>"
            f"<dt>Board</dt><dd>{_e(finding.board or 'None')}</dd>"
            f"<dt>Force progress</dt><dd>{_e(finding.get_force_progress_display())}</dd>"
            f"<dt>Inspectorate's view</dt><dd>{_e(finding.get_inspectorate_status_display())}</dd>"
            "</dl>"
        ]
        return "".join(parts)

    def _index_action(self, action: Action, entries: list[Entry]) -> str:
        parts = [
            f'<article class="action" id="action-{action.pk}">'
            f"<h4>Action {action.pk}: {_e(action.title)}</h4><dl>"
            f"<dt>Owner</dt><dd>{_e(_who(action.owner) or 'Nobody')}"
            f"{' · ' + _e(action.team) if action.team else ''}</dd>"
            f"<dt>Status</dt><dd>{_e(action.get_status_display())}, "
            f"RAG {_e(action.get_rag_display() or 'not rated')}, {action.progress}% done</dd>"
            f"<dt>Due</dt><dd>{_e(exports.iso(action.due_date)) or 'No due date'}"
            f" (originally {_e(exports.iso(action.original_due_date)) or 'none'})</dd>"
            f"<dt>Closed</dt><dd>{_e(exports.iso(action.closed_date)) or 'Not closed'}</dd>"
        ]
        if action.closing_summary:
            parts.append(f"<dt>Closing summary</dt><dd>{_e(action.closing_summary)}</dd>")
        parts.append("</dl>")
        parts.append(self._index_evidence(entries))
        decisions = action.decisions.all()
        if decisions:
            parts.append("<h5>Decisions</h5><ul>")
            for decision in decisions:
                parts.append(
                    f"<li>{_e(exports.iso(decision.decided_at))}: "
                    f"<strong>{_e(decision.get_outcome_display())}</strong> by "
                    f"{_e(_who(decision.decided_by))}"
                    f"{' for ' + _e(decision.board) if decision.board else ''}. "
                    f"{_e(decision.rationale)}</li>"
                )
            parts.append("</ul>")
        parts.append("<h5>Timeline</h5><ol class='timeline'>")
        for event in action.events.all():
            row = self.redact(
                {
                    "object_type": event.object_type,
                    "object_id": event.object_id,
                    "object_repr": event.object_repr,
                    "summary": event.summary,
                    "changes": event.changes,
                    "data": event.data,
                }
            )
            note = row["data"].get("note", "") if isinstance(row["data"], dict) else ""
            parts.append(
                f"<li>{_e(exports.iso(event.created_at))} · {_e(_who(event.actor) or 'System')}"
                f" · {_e(row['summary'])}{': ' + _e(note) if note else ''}</li>"
            )
        parts.append("</ol></article>")
        return "".join(parts)

    def _index_evidence(self, entries: list[Entry]) -> str:
        if not entries:
            return "<p>No evidence.</p>"
        rows = []
        for entry in entries:
            item = entry.evidence
            if entry.withheld:
                rows.append(
                    f"<tr><td>Evidence {item.pk} (withheld)</td><td>–</td>"
                    f"<td>{_e(item.marking)}</td><td>{_e(exports.iso(item.uploaded_at))}</td>"
                    f"<td>–</td><td>{_e(entry.check)}</td></tr>"
                )
                continue
            if entry.included:
                name = f'<a href="{_e(entry.path)}">{_e(item.name)}</a>'
            elif item.kind == Evidence.Kind.LINK:
                name = f'<a href="{_e(item.url)}">{_e(item.url)}</a>'
            else:
                name = _e(item.name)
            flag = ' class="flag"' if entry.check not in (OK, LINK) else ""
            rows.append(
                f"<tr><td>{name}<br><small>{_e(item.description)}; effective "
                f"{_e(exports.iso(item.effective_date))}; {_version(item).lower()}</small></td>"
                f"<td>{_e(_who(item.uploaded_by))}</td><td>{_e(item.marking)}</td>"
                f"<td>{_e(exports.iso(item.uploaded_at))}</td>"
                f"<td><code>{_e(item.sha256)}</code></td><td{flag}>{_e(entry.check)}</td></tr>"
            )
        return (
            "<table><caption>Evidence</caption><thead><tr><th scope='col'>Evidence</th>"
            "<th scope='col'>Uploaded by</th><th scope='col'>Marking</th>"
            "<th scope='col'>Uploaded at</th><th scope='col'>SHA-256 at upload</th>"
            f"<th scope='col'>Check</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _index_tail(self) -> str:
        problems = [e for e in self.entries if e.check in (MISMATCH, MISSING)]
        parts = ['<h2 id="integrity">Integrity check</h2>']
        if problems:
            parts.append(
                f'<p class="flag"><strong>{len(problems)} evidence item(s) failed the check.'
                "</strong> They are listed here and marked in manifest.csv.</p><ul>"
            )
            for entry in problems:
                parts.append(
                    f"<li>Evidence {entry.evidence.pk} ({_e(entry.evidence.name)}), action "
                    f"{entry.evidence.action_id}: {_e(entry.check)}. Recorded "
                    f"<code>{_e(entry.evidence.sha256)}</code>, found "
                    f"<code>{_e(entry.actual_sha256 or 'nothing')}</code>.</li>"
                )
            parts.append("</ul>")
        else:
            parts.append(
                f"<p>All {len(self.files)} files in this pack match the SHA-256 recorded "
                "when they were uploaded.</p>"
            )
        withheld = self.withheld
        parts.append('<h2 id="withheld">Withheld</h2>')
        if withheld:
            parts.append(
                f"<p>{len(withheld)} OFFICIAL-SENSITIVE item(s) were left out because the "
                "person who made this pack may not see them. Ask a coordinator or auditor "
                "for a complete pack.</p><ul>"
            )
            for entry in withheld:
                parts.append(
                    f"<li>Evidence {entry.evidence.pk} on action {entry.evidence.action_id}, "
                    f"uploaded {_e(exports.iso(entry.evidence.uploaded_at))}</li>"
                )
            parts.append("</ul>")
        else:
            parts.append("<p>Nothing was withheld.</p>")
        parts.append(f"<h2>How to check this pack</h2><pre>{_e(self._readme())}</pre>")
        parts.append("</body></html>")
        return "".join(parts)

    def _readme(self) -> str:
        return README.format(title=self.title, made=exports.iso(self.made_at))


def _e(value) -> str:
    return html.escape(str(value if value is not None else ""))


def _who(user) -> str:
    if user is None:
        return ""
    return exports.person(user.first_name, user.last_name, user.get_username())


def _version(evidence: Evidence) -> str:
    return "Superseded" if getattr(evidence, "newer", None) else "Current"


README = """{title}
Made {made} by PEELtrack.

What is in this pack
- One folder per inspection, finding and action, holding that action's evidence files.
- manifest.csv: every evidence item, with the SHA-256 recorded when it was uploaded,
  the SHA-256 of the file in this pack, and the result of comparing them ("Check").
  Items marked WITHHELD are OFFICIAL-SENSITIVE evidence the person who made the pack
  may not see; their names and contents are not in the pack.
- index.html: open it in any browser, offline: findings, actions, decisions,
  timelines, with links to the files.
- audit-trail.csv: every recorded event about the items in the pack.
- SHA256SUMS: the SHA-256 of every file in the pack as it was sent.

How to check it without PEELtrack
- Linux or macOS, in the unzipped folder:  sha256sum -c SHA256SUMS
  (macOS: shasum -a 256 -c SHA256SUMS)
- Windows PowerShell:  Get-FileHash -Algorithm SHA256 PATH
  and compare with the "SHA-256 recorded at upload" column of manifest.csv.
- With PEELtrack:  python manage.py verify_pack PACK.zip
A file whose hash differs from the one recorded at upload is not the file that was
uploaded.
"""

INDEX_CSS = """
body{font-family:Arial,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;
color:#0b0c0c;line-height:1.4}
h1,h2,h3,h4{line-height:1.2}h2{border-bottom:2px solid #0b0c0c;margin-top:2em}
blockquote{border-left:5px solid #b1b4b6;margin:0 0 1em;padding-left:1em}
dl{display:grid;grid-template-columns:12em 1fr;gap:.2em 1em}dt{font-weight:bold}dd{margin:0}
table{border-collapse:collapse;width:100%;margin:1em 0}caption{text-align:left;font-weight:bold}
th,td{border-bottom:1px solid #b1b4b6;padding:.3em;text-align:left;vertical-align:top}
code{word-break:break-all;font-size:.8em}.finding{margin-bottom:2em}
.action{border:1px solid #b1b4b6;padding:0 1em;margin:1em 0}
.flag{font-weight:bold;color:#d4351c}.flag::before{content:"\\26A0  "}
@media print{.action{page-break-inside:avoid}a{color:#0b0c0c}}
"""


def inspection_pack(*, user, inspection, filters=None) -> EvidencePack:
    """Every finding of an inspection, with the actions user may export."""
    actions = exports.scoped(Action, user, "finding__inspection__force_id", rules.EXPORTERS)
    return EvidencePack(
        user=user,
        title=f"Evidence pack: {inspection}",
        actions=actions.filter(finding__inspection=inspection),
        findings=Finding.objects.filter(inspection=inspection),
        filters=filters,
    )


def finding_pack(*, user, finding, filters=None) -> EvidencePack:
    actions = exports.scoped(Action, user, "finding__inspection__force_id", rules.EXPORTERS)
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
