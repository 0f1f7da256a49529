"""index.html of an evidence pack: findings, actions, decisions, timelines and the
integrity check, readable in any browser offline. Written action by action, so memory
stays flat however many actions the pack holds."""

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Prefetch

from actions.models import Action, Evidence
from audit.models import Event
from governance.models import Decision
from inspections.models import Finding

from . import writers
from .pack_contents import LINK, MISMATCH, MISSING, OK, Entry, escape, version, who

INDEX_FLUSH = 256 * 1024  # characters of index.html gathered before they are sent
ACTIONS_BATCH = 100  # actions (with their decisions and histories) read at a time


class PackIndex:
    """The index.html of one pack."""

    def __init__(self, pack):
        self.pack = pack

    def stream(self) -> Iterator[bytes]:
        """index.html, written action by action: memory stays flat however many there are."""
        by_action = defaultdict(list)
        for entry in self.pack.entries:
            by_action[entry.evidence.action_id].append(entry)
        yield self._index_head().encode()
        actions = (
            self.pack.actions.select_related(
                "owner", "finding__inspection__force", "finding__judgment", "finding__board"
            )
            .prefetch_related(
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.select_related("decided_by", "board").order_by(
                        "decided_at", "pk"
                    ),
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
        for action in _with_timelines(actions):
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
        published = writers.iso(inspection.published) or "date not known"
        return f"<h2>{escape(inspection)}</h2><p>Published {escape(published)}.</p>"

    def _index_without_actions(self) -> bytes:
        """Findings in scope with no action in the pack (none raised yet, or filtered out)."""
        idle = (
            self.pack.findings.exclude(pk__in=self.pack.actions.values("finding_id"))
            .select_related("inspection", "judgment", "board")
            .order_by("inspection__published", "inspection_id", "order", "pk")
        )
        parts = []
        for finding in idle.iterator(chunk_size=ACTIONS_BATCH):
            if not parts:
                parts.append("<h2>Findings with no actions in this pack</h2>")
            parts.append(
                f"<p><strong>{escape(finding.inspection.programme)}</strong></p>"
                f"{self._index_finding(finding)}<p>No actions.</p></section>"
            )
        return "".join(parts).encode()

    def _index_head(self) -> str:
        counts = self.pack.counts()
        filters = "; ".join(f"{k} = {', '.join(v)}" for k, v in self.pack.filters.items())
        return (
            f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f"<title>{escape(self.pack.title)}</title><style>{INDEX_CSS}</style></head><body>"
            f"<h1>{escape(self.pack.title)}</h1>"
            f"<p>Made {escape(writers.iso(self.pack.made_at))} by {escape(who(self.pack.user))}."
            f"{' Filters: ' + escape(filters) + '.' if filters else ''}</p>"
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
            f'<section class="finding"><h3>{escape(finding.reference)}: '
            f"{escape(finding.get_kind_display())}</h3><blockquote>{escape(finding.text)}</blockquote>"
            "<dl>"
            f"<dt>Judgment</dt><dd>{escape(judgment) if judgment else 'Not recorded'}</dd>"
            f"<dt>Board</dt><dd>{escape(finding.board or 'None')}</dd>"
            f"<dt>Force progress</dt><dd>{escape(finding.get_force_progress_display())}</dd>"
            "<dt>Inspectorate's view</dt>"
            f"<dd>{escape(finding.get_inspectorate_status_display())}</dd>"
            "</dl>"
        ]
        return "".join(parts)

    def _index_action(self, action: Action, entries: list[Entry]) -> str:
        parts = [
            f'<article class="action" id="action-{action.pk}">'
            f"<h4>Action {action.pk}: {escape(action.title)}</h4><dl>"
            f"<dt>Owner</dt><dd>{escape(who(action.owner) or 'Nobody')}"
            f"{' · ' + escape(action.team) if action.team else ''}</dd>"
            f"<dt>Status</dt><dd>{escape(action.get_status_display())}, "
            f"RAG {escape(action.get_rag_display() or 'not rated')}, {action.progress}% done</dd>"
            f"<dt>Due</dt><dd>{escape(writers.iso(action.due_date)) or 'No due date'}"
            f" (originally {escape(writers.iso(action.original_due_date)) or 'none'})</dd>"
            f"<dt>Closed</dt><dd>{escape(writers.iso(action.closed_date)) or 'Not closed'}</dd>"
        ]
        if action.closing_summary:
            parts.append(f"<dt>Closing summary</dt><dd>{escape(action.closing_summary)}</dd>")
        parts.append("</dl>")
        parts.append(self._index_evidence(entries))
        decisions = action.decisions.all()
        if decisions:
            parts.append("<h5>Decisions</h5><ul>")
            for decision in decisions:
                parts.append(
                    f"<li>{escape(writers.iso(decision.decided_at))}: "
                    f"<strong>{escape(decision.get_outcome_display())}</strong> by "
                    f"{escape(who(decision.decided_by))}"
                    f"{' for ' + escape(decision.board) if decision.board else ''}. "
                    f"{escape(decision.rationale)}</li>"
                )
            parts.append("</ul>")
        parts.append("<h5>Timeline</h5><ol class='timeline'>")
        for event in action.timeline:
            row = self.pack.redact(
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
                f"<li>{escape(writers.iso(event.created_at))} · "
                f"{escape(who(event.actor) or 'System')}"
                f" · {escape(row['summary'])}{': ' + escape(note) if note else ''}</li>"
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
                    f"<td>{escape(item.marking)}</td><td>{escape(writers.iso(item.uploaded_at))}</td>"
                    f"<td>–</td><td>{escape(entry.check)}</td></tr>"
                )
                continue
            if entry.included:
                name = f'<a href="{escape(entry.path)}">{escape(item.name)}</a>'
            elif item.kind == Evidence.Kind.LINK:
                name = f'<a href="{escape(item.url)}">{escape(item.url)}</a>'
            else:
                name = escape(item.name)
            flag = ' class="flag"' if entry.check not in (OK, LINK) else ""
            rows.append(
                f"<tr><td>{name}<br><small>{escape(item.description)}; effective "
                f"{escape(writers.iso(item.effective_date))}; {version(item).lower()}</small></td>"
                f"<td>{escape(who(item.uploaded_by))}</td><td>{escape(item.marking)}</td>"
                f"<td>{escape(writers.iso(item.uploaded_at))}</td>"
                f"<td><code>{escape(item.sha256)}</code></td><td{flag}>{escape(entry.check)}</td></tr>"
            )
        return (
            "<table><caption>Evidence</caption><thead><tr><th scope='col'>Evidence</th>"
            "<th scope='col'>Uploaded by</th><th scope='col'>Marking</th>"
            "<th scope='col'>Uploaded at</th><th scope='col'>SHA-256 at upload</th>"
            f"<th scope='col'>Check</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )

    def _index_tail(self) -> str:
        problems = [e for e in self.pack.entries if e.check in (MISMATCH, MISSING)]
        parts = ['<h2 id="integrity">Integrity check</h2>']
        if problems:
            parts.append(
                f'<p class="flag"><strong>{len(problems)} evidence item(s) failed the check.'
                "</strong> They are listed here and marked in manifest.csv.</p><ul>"
            )
            for entry in problems:
                parts.append(
                    f"<li>Evidence {entry.evidence.pk} ({escape(entry.evidence.name)}), action "
                    f"{entry.evidence.action_id}: {escape(entry.check)}. Recorded "
                    f"<code>{escape(entry.evidence.sha256)}</code>, found "
                    f"<code>{escape(entry.actual_sha256 or 'nothing')}</code>.</li>"
                )
            parts.append("</ul>")
        else:
            parts.append(
                f"<p>All {len(self.pack.files)} files in this pack match the SHA-256 recorded "
                "when they were uploaded.</p>"
            )
        withheld = self.pack.withheld
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
                    f"uploaded {escape(writers.iso(entry.evidence.uploaded_at))}</li>"
                )
            parts.append("</ul>")
        else:
            parts.append("<p>Nothing was withheld.</p>")
        parts.append(f"<h2>How to check this pack</h2><pre>{escape(self.pack.readme())}</pre>")
        parts.append("</body></html>")
        return "".join(parts)


def _with_timelines(actions) -> Iterator[Action]:
    """The actions, read in batches, each with its audit timeline (one query a batch)."""
    batch = []
    for action in actions.iterator(chunk_size=ACTIONS_BATCH):
        batch.append(action)
        if len(batch) == ACTIONS_BATCH:
            yield from _attach_timelines(batch)
            batch = []
    yield from _attach_timelines(batch)


def _attach_timelines(actions: list[Action]) -> list[Action]:
    if not actions:
        return []
    timelines = defaultdict(list)
    events = (
        Event.objects.filter(action_id__in=[action.pk for action in actions])
        .select_related("actor")
        .order_by("created_at", "pk")
    )
    for event in events:
        timelines[event.action_id].append(event)
    for action in actions:
        action.timeline = timelines[action.pk]
    return actions


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
