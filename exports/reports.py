"""The printable progress report of an inspection, as a web page and as a PDF.

The page is the accessible version (and prints cleanly); the PDF is drawn with
fpdf2, pure Python, with DejaVu Sans embedded (exports/fonts), so every character the
records hold prints as written; long text wraps and continues across pages.
"""

import datetime as dt
from pathlib import Path

from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from actions.models import RAG, Action, Status
from actions.querysets import ActionQuerySet
from audit.models import Event
from governance.models import Decision
from governance.selectors import figure_rows, with_max
from inspections.models import ForceProgress, Inspection
from ui.text import clip

from . import writers
from .tables import extension_decisions

REPORT_VERB = "export.report"
# A finding's text in the PDF's table is cut here, at a word, marked "..." (Helvetica has
# no ellipsis character); the web page shows it whole.
FINDING_CHARS = 300


def last_report(inspection: Inspection) -> Event | None:
    """The last PDF report taken away for this inspection: the default 'since' date."""
    return (
        Event.objects.filter(verb=REPORT_VERB, data__inspection=inspection.pk)
        .select_related("actor")
        .order_by("-created_at", "-pk")
        .first()
    )


class ExtensionDecision:
    """A board's decision on an extension request, read like a Decision by the report."""

    def __init__(self, request):
        self.request = request
        self.action = request.action
        self.decided_at = request.decided_at
        self.decided_by = request.decided_by
        self.board = request.action.finding.board
        moved = f" (from {request.current_due_date:%d %B %Y})" if request.current_due_date else ""
        self.rationale = (
            f"Due date {request.requested_due_date:%d %B %Y} asked{moved}. {request.rationale}"
        )

    def get_outcome_display(self) -> str:
        return f"Extension {self.request.state}"


def last_board_meeting(inspection: Inspection, today: dt.date) -> dt.date | None:
    """The last meeting (before today) of a board overseeing the inspection's findings."""
    from governance.models import Meeting

    meeting = (
        Meeting.objects.filter(
            board__in=inspection.findings.exclude(board=None).values("board"), date__lt=today
        )
        .order_by("-date")
        .first()
    )
    return meeting.date if meeting else None


def progress_report(inspection: Inspection, *, since: dt.date | None = None, today=None) -> dict:
    """Everything the report shows, from a fixed number of queries.

    The decisions shown are those since the date the reader chose, or every decision:
    never a window that moves because someone downloaded the PDF. The last report and
    the last board meeting are offered as dates to choose."""
    today = today or timezone.localdate()
    previous = last_report(inspection)
    actions = Action.objects.filter(finding__inspection=inspection)
    findings = (
        inspection.findings.select_related("judgment", "board")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("pk"))
        )
        .order_by("order", "pk")
    )
    judgments = list(inspection.judgments.all())
    totals = actions.aggregate(
        total=Count("pk"),
        closed=Count("pk", filter=Q(status=Status.CLOSED)),
        overdue=Count("pk", filter=ActionQuerySet.overdue_q(today)),
        extended=Count("pk", filter=Q(original_due_date__lt=F("due_date"))),
    )
    totals["open"] = totals["total"] - totals["closed"]
    totals["closed_share"] = (
        round(100 * totals["closed"] / totals["total"]) if totals["total"] else 0
    )
    status = dict(actions.order_by().values_list("status").annotate(n=Count("pk")))
    rag = dict(actions.open().order_by().values_list("rag").annotate(n=Count("pk")))
    progress = dict(findings.order_by().values_list("force_progress").annotate(n=Count("pk")))
    decisions = Decision.objects.filter(action__finding__inspection=inspection).select_related(
        "action__finding", "decided_by", "board"
    )
    extensions = extension_decisions(actions).select_related("decided_by")
    if since is not None:
        decisions = decisions.filter(decided_at__date__gte=since)
        extensions = extensions.filter(decided_at__date__gte=since)
    every = sorted(
        [*decisions, *(ExtensionDecision(x) for x in extensions)],
        key=lambda d: (d.decided_at, d.action.pk),
    )
    return {
        "inspection": inspection,
        "query": f"inspection={inspection.pk}",
        "today": today,
        "generated_at": timezone.now(),
        "since": since,
        "previous": previous,
        "last_meeting": last_board_meeting(inspection, today),
        "pillars": [j for j in judgments if j.is_pillar],
        "questions": [j for j in judgments if not j.is_pillar],
        "findings": findings,
        "totals": totals,
        "status_chart": with_max(
            figure_rows(status, dict(Status.choices), "status", order=list(Status.values))
        ),
        "rag_chart": with_max(
            figure_rows(rag, {**dict(RAG.choices), "": "Not rated"}, "rag", order=[*RAG.values, ""])
        ),
        "progress_chart": with_max(
            figure_rows(
                progress, dict(ForceProgress.choices), "progress", order=ForceProgress.values
            )
        ),
        "overdue": actions.overdue(today).select_related("owner", "finding").order_by("due_date"),
        "decisions": every,
    }


# --- PDF -------------------------------------------------------------------------

# DejaVu Sans (regular and bold), shipped in exports/fonts with its licence: a Unicode
# font, so curly quotes, dashes and names such as "Llŷr" or "Łukasz" print as written.
FONT = "dejavu"
FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FILES = {"": FONT_DIR / "DejaVuSans.ttf", "B": FONT_DIR / "DejaVuSans-Bold.ttf"}

# The grid's line height (mm) and the most lines one table row may hold: a row must fit
# on a page, so a longer cell (a 4,000-character rationale) continues in the next rows.
GRID_LINE_HEIGHT = 4.5
ROW_LINES_MAX = 40

# Control characters have no glyph; tabs and line breaks are kept.
CONTROL = dict.fromkeys(c for c in range(32) if chr(c) not in "\t\n")


def printable(text) -> str:
    """Text as the PDF draws it: every character kept but control characters."""
    return str(text if text is not None else "").translate(CONTROL)


def _date(value) -> str:
    return writers.iso(value) or "-"


def _who(user) -> str:
    if user is None:
        return "Nobody"
    return user.get_full_name() or user.get_username()


class _ReportPDF(FPDF):
    def __init__(self, title: str):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report_title = title
        self.set_title(title)
        self.set_author("PEELtrack")
        self.set_creator("PEELtrack")
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()
        for style, path in FONT_FILES.items():
            self.add_font(FONT, style, str(path))

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.cell(
            0,
            6,
            printable(f"{self.report_title} - page {self.page_no()} of {{nb}}"),
            align="C",
        )

    def heading(self, text: str, size: int = 14):
        self.ln(3)
        self.set_font(FONT, style="B", size=size)
        self.multi_cell(0, size * 0.5, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=9)
        self.ln(1)

    def para(self, text: str):
        self.set_font(FONT, size=9)
        self.multi_cell(0, 5, printable(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, headings: list[str], rows: list[list], widths: tuple[int, ...]):
        if not rows:
            self.para("None.")
            return
        self.set_font(FONT, size=8)
        with self.table(
            col_widths=widths,
            text_align="LEFT",
            line_height=GRID_LINE_HEIGHT,
            first_row_as_headings=True,
            repeat_headings=1,
        ) as table:
            header = table.row()
            for text in headings:
                header.cell(printable(text))
            for values in rows:
                for part in self._fitting_rows([printable(v) for v in values], widths):
                    row = table.row()
                    for value in part:
                        row.cell(value)
        self.set_font(FONT, size=9)

    def _fitting_rows(self, values: list[str], widths: tuple[int, ...]) -> list[list[str]]:
        """One row, or several when a cell is too long for a page: each continues the
        cell's wrapped lines where the last stopped (the other cells left blank)."""
        total = sum(widths)
        lines = [
            self.multi_cell(
                # The cell's share of the page, less its padding.
                width / total * self.epw - 2,
                GRID_LINE_HEIGHT,
                value,
                dry_run=True,
                output=MethodReturnValue.LINES,
            )
            for value, width in zip(values, widths, strict=True)
        ]
        most = max(len(cell) for cell in lines)
        if most <= ROW_LINES_MAX:
            return [values]
        return [
            ["\n".join(cell[start : start + ROW_LINES_MAX]) for cell in lines]
            for start in range(0, most, ROW_LINES_MAX)
        ]

    def bars(self, title: str, rows: list[dict]):
        """A bar chart and the same figures as a table beside it."""
        if self.get_y() + 12 + len(rows) * 6 > self.page_break_trigger:
            self.add_page()  # keep a chart whole, with its title
        self.heading(title, 11)
        top = self.get_y()
        for i, r in enumerate(rows):
            y = top + i * 6
            self.set_xy(self.l_margin, y)
            self.set_font(FONT, size=8)
            self.cell(40, 5, printable(r["label"]))
            self.set_fill_color(29, 112, 184)
            width = max(r["share"] * 80, 0.2 if r["value"] else 0)
            if width:
                self.rect(self.l_margin + 42, y + 0.8, width, 3.6, style="F")
            self.set_xy(self.l_margin + 44 + width, y)
            self.cell(15, 5, str(r["value"]))
        self.set_fill_color(255, 255, 255)  # tables after the chart are not filled
        self.set_y(top + len(rows) * 6 + 2)


def render_pdf(context: dict, *, by) -> bytes:
    """The progress report as a PDF, from the same figures as the web page."""
    inspection = context["inspection"]
    title = f"Progress report: {inspection.force} - {inspection.programme}"
    pdf = _ReportPDF(title)
    pdf.add_page()
    pdf.set_font(FONT, style="B", size=18)
    pdf.multi_cell(0, 8, printable(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    since = context["since"]
    pdf.para(
        f"Made {writers.iso(context['generated_at'])} by {_who(by)}. "
        f"Published {_date(inspection.published)}; PCC response due "
        f"{_date(inspection.response_due)}. Decisions "
        + (f"since {writers.iso(since)}." if since else "since publication.")
    )
    t = context["totals"]
    pdf.heading("Summary")
    pdf.grid(
        ["Actions", "Open", "Closed", "Closed (%)", "Overdue", "Due date moved"],
        [[t["total"], t["open"], t["closed"], t["closed_share"], t["overdue"], t["extended"]]],
        (30, 30, 30, 30, 30, 30),
    )
    pdf.heading("Judgments")
    pdf.grid(
        ["Pillar", "Question", "Grade", "Last inspected"],
        [
            [j.get_pillar_display(), "Overall", j.get_grade_display(), j.last_inspected or "-"]
            for j in context["pillars"]
        ]
        + [
            [j.get_pillar_display(), j.question, j.get_grade_display(), j.last_inspected or "-"]
            for j in context["questions"]
        ],
        (30, 90, 35, 25),
    )
    pdf.bars("Actions by status", context["status_chart"])
    pdf.grid(
        ["Status", "Actions"], [[r["label"], r["value"]] for r in context["status_chart"]], (60, 30)
    )
    pdf.bars("Open actions by RAG", context["rag_chart"])
    pdf.grid(
        ["RAG", "Open actions"], [[r["label"], r["value"]] for r in context["rag_chart"]], (60, 30)
    )
    pdf.bars("Findings by force progress", context["progress_chart"])
    pdf.grid(
        ["Force progress", "Findings"],
        [[r["label"], r["value"]] for r in context["progress_chart"]],
        (60, 30),
    )
    pdf.heading("Findings and their actions")
    rows = []
    for finding in context["findings"]:
        actions = list(finding.actions.all())
        head = f"{finding.reference}: {clip(finding.text, FINDING_CHARS, ellipsis='...')}"
        if not actions:
            rows.append([head, "No action raised", "-", "-", "-", "-"])
        for n, action in enumerate(actions):
            rows.append(
                [
                    head if n == 0 else "",
                    action.title,
                    _who(action.owner),
                    action.get_status_display()
                    + (f" / {action.get_rag_display()}" if action.rag else ""),
                    _date(action.due_date),
                    _date(action.closed_date),
                ]
            )
    pdf.grid(
        ["Finding", "Action", "Owner", "Status / RAG", "Due", "Closed"],
        rows,
        (55, 45, 25, 25, 20, 20),
    )
    pdf.heading("Overdue actions")
    today = context["today"]
    pdf.grid(
        ["Finding", "Action", "Owner", "Due", "Days overdue"],
        [
            [
                a.finding.reference,
                a.title,
                _who(a.owner),
                _date(a.due_date),
                (today - a.due_date).days,
            ]
            for a in context["overdue"]
        ],
        (25, 80, 35, 25, 25),
    )
    pdf.heading("Decisions " + (f"since {writers.iso(since)}" if since else "since publication"))
    pdf.grid(
        ["When", "Outcome", "Action", "Decided by", "Rationale"],
        [
            [
                writers.iso(d.decided_at),
                d.get_outcome_display(),
                f"{d.action.finding.reference}: {d.action.title}",
                _who(d.decided_by),
                d.rationale,
            ]
            for d in context["decisions"]
        ],
        (30, 25, 45, 30, 60),
    )
    return bytes(pdf.output())
