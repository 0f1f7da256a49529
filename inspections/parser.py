"""Read an HMICFRS inspection report (PDF, saved web page or text) into judgments and findings.

Pure Python with no Django imports, so views, management commands and tests can all use it.
The reading is rule-based and follows how HMICFRS has set out PEEL reports since 2014:

* 2014 to 2018/19: pillar grades (Effectiveness, Efficiency, Legitimacy) and question grades,
  some carried over from an earlier year; "Areas for improvement" lists; "Cause of concern"
  paragraphs with "Recommendations"; free-text "We recommend that ..." sentences; and
  "HMIC recommends that within six months the force should:" stems followed by parts.
* 2021 onwards: five grades per question and no pillar grades; causes of concern (some
  "accelerated") each followed by recommendations that often start with a timescale; and
  "Area for improvement" paragraphs.

A stem followed by parts ("Within three months, the force should:" then "• review X;" and
"• train Y.") gives one finding per part. Its text is the stem's subject and verb plus the
part ("The force should review X"); the timescale goes in "timescale" and the whole stem in
"stem". Parts of a descriptive stem ("there are three areas where the APSTRA could be
improved:") keep their own wording.

Anything the parser reads as a possible finding but will not import is listed in "skipped"
with the reason, so a coordinator can check it in the import preview.

PDFs are read with pypdf's layout mode, which keeps the gaps between paragraphs; a page set in
two columns would be read across both columns, and a scanned PDF has no text to read.
"""

import io
import re
from dataclasses import dataclass, field

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PreformattedString, Tag
from pypdf import PdfReader


class ReportUnreadable(Exception):
    """The upload cannot be read as an inspection report; the message is shown to the user."""


EMPTY = "The file is empty."
ENCRYPTED = (
    "This PDF is encrypted; PEELtrack cannot read it. Save an unencrypted copy and upload that."
)
DAMAGED = (
    "This PDF is damaged or incomplete; PEELtrack cannot read it. "
    "Download the report again, or upload its web page or a text copy instead."
)
NO_PDF_TEXT = (
    "This PDF has no text layer (it may be a scanned image); PEELtrack cannot read it. "
    "Upload the report's web page or a text copy instead."
)
OFFICE_FILE = (
    "This looks like a Word document or other Office file. PEELtrack reads PDF, web page "
    "(HTML) and text copies of reports: save it as PDF and upload that."
)
BINARY = (
    "This file does not contain readable text. PEELtrack reads PDF, web page (HTML) and "
    "text copies of inspection reports."
)
NOT_A_REPORT = (
    "This does not look like an HMICFRS inspection report: "
    "no graded judgments or findings were found."
)
NO_REPORT_CONTEXT = (
    "This does not look like an HMICFRS inspection report: it names no police force, "
    "HMICFRS or PEEL inspection."
)

GRADES = ("Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate", "Ungraded")
GRADE_WORDS = r"outstanding|good|adequate|requires improvement|inadequate|ungraded|not graded"
PILLARS = ("Effectiveness", "Efficiency", "Legitimacy")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_WORDS = "|".join([*MONTHS, *(month[:3] for month in MONTHS), "sept"])

FORCES = (
    "Avon and Somerset Constabulary",
    "Bedfordshire Police",
    "British Transport Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
    "Cleveland Police",
    "Cumbria Constabulary",
    "Derbyshire Constabulary",
    "Devon and Cornwall Police",
    "Dorset Police",
    "Durham Constabulary",
    "Dyfed-Powys Police",
    "Essex Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Hampshire and Isle of Wight Constabulary",
    "Hampshire Constabulary",
    "Hertfordshire Constabulary",
    "Humberside Police",
    "Kent Police",
    "Lancashire Constabulary",
    "Leicestershire Police",
    "Lincolnshire Police",
    "Merseyside Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
    "North Wales Police",
    "North Yorkshire Police",
    "Northamptonshire Police",
    "Northumbria Police",
    "Nottinghamshire Police",
    "South Wales Police",
    "South Yorkshire Police",
    "Staffordshire Police",
    "Suffolk Constabulary",
    "Surrey Police",
    "Sussex Police",
    "Thames Valley Police",
    "Warwickshire Police",
    "West Mercia Police",
    "West Midlands Police",
    "West Yorkshire Police",
    "Wiltshire Police",
)

THEMES = (
    ("vetting", r"\bvett(ing|ed)\b"),
    ("counter-corruption", r"corrupt|abuse (of )?(their|its|a) position|abuse of position"),
    ("use of force", r"\buses? of force\b|\btaser\b"),
    ("stop and search", r"\bstop and search\b|\bstop-and-search\b"),
    ("armed policing", r"\barmed\b|firearm|\bapstra\b|\barvs?\b"),
    ("domestic abuse", r"domestic (abuse|violence)|\bdv(pn|po)s?\b"),
    ("crime recording", r"crime recording|record(ing|s)? (of )?crimes?\b|crime data|\bncrs\b"),
    ("custody", r"\bcustody\b|\bdetainees?\b"),
    (
        "call handling",
        r"call[- ]handl|\b999\b|\b101\b|calls? for service|emergency calls|control room|"
        r"contact centre|responding to the public",
    ),
    ("vulnerability", r"vulnerab|safeguard|mental health|exploitation|missing (children|people)"),
    ("investigation", r"investigat|case files?|\bsuspects?\b|evidence"),
    ("neighbourhood policing", r"neighbourhood|anti-social behaviour|problem[- ]solving"),
    ("workforce", r"workforce|wellbeing|well-being|recruit|supervis|leadership|\bstaff\b|training"),
)


@dataclass(frozen=True)
class Question:
    """A standard PEEL question: its short name, pillar and the heading used for findings."""

    name: str
    pillar: str
    section: str
    wording: str
    headings: tuple[str, ...] = ()


# Order matters: the first question whose wording pattern matches a long question wins.
QUESTIONS = (
    Question(
        "Armed response capability",
        "Effectiveness",
        "Armed policing",
        r"\barmed\b|specialist capabilit|firearms",
        ("armed policing", "armed response capability", "firearms capability"),
    ),
    Question(
        "Protecting vulnerable people",
        "Effectiveness",
        "Protecting vulnerable people",
        r"\bvulnerable\b",
        ("protecting vulnerable people",),
    ),
    Question(
        "Tackling serious and organised crime",
        "Effectiveness",
        "Tackling serious and organised crime",
        r"serious (and|&) organised crime",
        ("tackling serious and organised crime",),
    ),
    Question(
        "Investigating crime",
        "Effectiveness",
        "Investigating crime",
        r"\binvestigat",
        ("investigating crime", "investigating crime and reducing re-offending"),
    ),
    Question(
        "Preventing crime and tackling anti-social behaviour",
        "Effectiveness",
        "Preventing crime and tackling anti-social behaviour",
        r"\bprevent\w*\b.*\b(crime|offending)\b|anti-social",
        ("preventing crime and tackling anti-social behaviour",),
    ),
    Question(
        "Planning for the future",
        "Efficiency",
        "Planning for the future",
        r"\bplanning\b|\bplans? for\b|\b(in|for) the future\b",
        ("planning for the future",),
    ),
    Question(
        "Meeting current demands and using resources",
        "Efficiency",
        "Meeting current demands and using resources",
        r"\bmeet\w*\b.*\bdemand|\bus(e|es|ing)\b.*\bresources\b",
        ("meeting current demands and using resources", "meeting current demands"),
    ),
    Question(
        "Understanding demand",
        "Efficiency",
        "Understanding demand",
        r"\bunderstand\w*\b.*\bdemand",
        ("understanding demand",),
    ),
    Question(
        "Ethical and lawful workforce behaviour",
        "Legitimacy",
        "Ethical and lawful workforce behaviour",
        r"\bethical|\blawful",
        ("ethical and lawful workforce behaviour",),
    ),
    Question(
        "Fair treatment of the workforce",
        "Legitimacy",
        "Treating the workforce fairly",
        r"\bworkforce\b.*\bfair|\bfair\w*\b.*\bworkforce\b",
        ("treating the workforce fairly", "fair treatment of the workforce"),
    ),
    Question(
        "Fair treatment of the public",
        "Legitimacy",
        "Treating the public fairly",
        r"\b(public|people it serves)\b.*\bfair|\bfair\w*\b.*\b(public|people it serves)\b",
        ("treating the public fairly", "fair treatment of the public"),
    ),
)

# Headings that end a question's part of the report, so findings after them have no section.
NEUTRAL_HEADINGS = re.compile(
    r"^(contents|overall summary|force in context|introduction|about (this|the) (report|data)|"
    r"annex\b.*|appendix\b.*|methodology|hm inspector'?s observations|our judgments|"
    r"what this report contains|how does the force compare with similar forces\?)$",
    re.I,
)

BULLET_CHARS = "•●▪■◦‣∙○\uf0b7\uf0a7"
BULLET_START = re.compile(
    rf"^(?:[{BULLET_CHARS}]\s*|[-–*+]\s+|\(?(?:\d{{1,2}}|[a-z]|i{{1,3}}|iv|vi{{0,3}})[.)]\s+)"
)
INLINE_BULLET = re.compile(rf"\s+[{BULLET_CHARS}]\s+")
LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
TERMINAL = (".", "!", "?", ":", ";", ".”", ".'", '."', ".’")
LIST_ITEM_END = re.compile(r"(;|;\s*(and|or)|,\s*and)$")
NUMBER_WORDS = (
    r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|"
    r"twenty-four"
)
TIMESCALE = re.compile(
    r"\b(immediately|with immediate effect|within (?:the next )?(?:"
    + NUMBER_WORDS
    + r") (?:days?|weeks?|months?|years?)|by (?:the end of )?(?:\d{1,2}(?:st|nd|rd|th)? )?(?:"
    + MONTH_WORDS
    + r") \d{4})\b",
    re.I,
)
DIRECTIVE = re.compile(r"\b(should|must|needs? to|ought to|is required to|recommends?)\b", re.I)
IMPERATIVE = re.compile(
    r"^(ensure|make sure|review|improve|develop|introduce|establish|implement|consider|"
    r"put in place|work with|provide|carry out|assess|monitor|reduce|increase|train)\b",
    re.I,
)
ACHIEVED = re.compile(
    r"\b(has|have) (now )?(made|introduced|improved|addressed|completed|implemented|established|"
    r"taken|achieved)\b|\balready\b|\bsince our (last|previous)\b",
    re.I,
)
AFI_HEADING = re.compile(r"^(areas?) for improvement(?:\s+\d{1,2})?\s*:?\s*(.*)$", re.I)
COC_HEADING = re.compile(
    r"^((?:accelerated )?causes? of concern)(?:\s+\d{1,2})?\s*:?\s*(.*)$", re.I
)
REC_HEADING = re.compile(r"^recommendations?(?:\s+\d{1,2})?\s*:?\s*(.*)$", re.I)
RECOMMEND_SENTENCE = re.compile(
    r"\b(we|hmic|hmicfrs|hm inspectorate[\w ,]*?|the inspectorate)\s+"
    r"(?:(?:also|therefore|further|now|strongly|would)\s+)*(recommends?)\s+that\b",
    re.I,
)
# Whom a free-text recommendation is for: "... recommend that, within three months, the force".
ADDRESSEE = re.compile(
    r"recommends?\s+that\b[^.;:]{0,40}?\b(force|forces|constabulary|chief constable|"
    r"chief officers?|police and crime commissioner|pcc|police|service)\b",
    re.I,
)
PAST_RECOMMENDATION = re.compile(r"\b(recommended|made (a|the following) recommendations?)\b", re.I)
OTHER_STEM = re.compile(
    r"could be improved|could improve|could do more|should improve|needs? to improve|"
    r"areas? (?:where|in which|for)\b[^:]*improv",
    re.I,
)
NARRATIVE_SHOULD = re.compile(
    r"^(?:(?:however|nonetheless|but|additionally|also|in addition),?\s+)?"
    r"(?:the |its )?(?:force|constabulary|designated chief officer|chief constable|chief officers?|"
    r"it)\s+(?:(?:however|now|also|still|therefore|urgently|further|really),?\s+)*"
    r"(?:should|needs to)\b",
    re.I,
)


@dataclass
class Unit:
    """One paragraph, heading or bullet item, with the input lines it came from."""

    text: str
    line: int
    bullet: bool = False
    gap_before: bool = False
    table: bool = False
    last_line_length: int = 0
    starts: list[tuple[int, int]] = field(default_factory=list)

    def append(self, text: str, line: int) -> None:
        # A word hyphenated across a line break ("counter-" / "corruption") keeps its hyphen.
        joiner = "" if self.text.endswith("-") and text[:1].islower() else " "
        self.starts.append((len(self.text) + len(joiner), line))
        self.text = self.text + joiner + text
        self.last_line_length = len(text)

    def line_at(self, offset: int) -> int:
        """The input line on which the character at offset sits."""
        line = self.line
        for start, number in self.starts:
            if start <= offset:
                line = number
        return line


# Text extraction ---------------------------------------------------------------------------


def extract_text(data: bytes, filename: str = "") -> tuple[str, str]:
    """Return the text of an uploaded report and its format: "pdf", "html" or "text"."""
    if not data or not data.strip():
        raise ReportUnreadable(EMPTY)
    head = data[:1024]
    if b"%PDF" in head:
        return _pdf_text(data), "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportUnreadable(OFFICE_FILE)
    text = _decode(data)
    if not text.strip():
        raise ReportUnreadable(EMPTY)
    if _looks_like_html(text, filename):
        text = _html_text(text)
        if not text.strip():
            raise ReportUnreadable("The web page has no readable text.")
        return text, "html"
    return _normalise_newlines(text), "text"


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    """Decode text as UTF-8 (or UTF-16 with a byte-order mark), falling back to cp1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    elif b"\x00" in data[:8192]:
        raise ReportUnreadable(BINARY)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
    sample = text[:20000]
    odd = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if sample and odd / len(sample) > 0.02:
        raise ReportUnreadable(BINARY)
    return text


def _looks_like_html(text: str, filename: str) -> bool:
    start = text[:5000].lower()
    if re.search(r"<!doctype html|<html[\s>]|<body[\s>]", start):
        return True
    if filename.lower().endswith((".html", ".htm")) and "<" in start:
        return True
    return len(re.findall(r"<(p|div|h[1-6]|ul|li|section|article)[\s>]", start)) >= 3


def _pdf_text(data: bytes) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            try:
                decrypted = reader.decrypt("")
            except Exception:  # pypdf raises DependencyError for AES without cryptography.
                decrypted = 0
            if not decrypted:
                raise ReportUnreadable(ENCRYPTED)
        pages = [_page_text(page) for page in reader.pages]
    except ReportUnreadable:
        raise
    except Exception as error:
        # pypdf raises many exception types for damaged files; all mean the same to a user.
        raise ReportUnreadable(DAMAGED) from error
    if not pages:
        raise ReportUnreadable(DAMAGED)
    text = "\n\n".join(pages)
    if not text.strip():
        raise ReportUnreadable(NO_PDF_TEXT)
    return _normalise_newlines(text)


def _page_text(page) -> str:
    # Layout mode keeps the blank lines between paragraphs, which plain mode loses.
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:
        text = ""
    if not text.strip():
        text = page.extract_text() or ""
    return text


BLOCK_TAGS = {
    "p", "div", "section", "article", "main", "aside", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "blockquote",
    "pre", "figure", "figcaption", "details", "summary", "hr", "caption", "address", "li",
}  # fmt: skip
DROPPED_TAGS = [
    "script", "style", "nav", "header", "footer", "noscript", "template", "svg", "form",
    "button", "iframe", "head",
]  # fmt: skip


def _html_text(html: str) -> str:
    """Turn a saved web page into lines: one per heading, paragraph, list item or table row."""
    soup = BeautifulSoup(html, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup(DROPPED_TAGS):
        tag.decompose()
    lines: list[str] = [title, ""] if title else []
    buffer: list[str] = []
    _html_walk(soup, lines, buffer)
    _flush(lines, buffer)
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _flush(lines: list[str], buffer: list[str]) -> None:
    text = re.sub(r"[ \u00a0]+", " ", "".join(buffer)).strip(" ")
    if text.strip():
        lines.append(text)
    buffer.clear()


def _html_walk(node: Tag, lines: list[str], buffer: list[str]) -> None:
    for child in node.children:
        if isinstance(child, PreformattedString):  # comments, doctype, CDATA
            continue
        if isinstance(child, NavigableString):
            buffer.append(re.sub(r"\s+", " ", str(child)))
            continue
        if not isinstance(child, Tag):
            continue
        name = child.name
        if name == "br":
            _flush(lines, buffer)
        elif name in ("td", "th"):
            buffer.append("\t")
            _html_walk(child, lines, buffer)
        elif name in BLOCK_TAGS:
            _flush(lines, buffer)
            if name == "li":
                buffer.append("• ")
            _html_walk(child, lines, buffer)
            _flush(lines, buffer)
            if name not in ("li", "tr", "dt", "dd"):
                lines.append("")
        else:
            _html_walk(child, lines, buffer)


# Reading the report ------------------------------------------------------------------------


def parse_report_file(data: bytes, filename: str = "") -> dict:
    """Extract and parse an uploaded report; refuse files that are not inspection reports."""
    text, source_format = extract_text(data, filename)
    result = parse_report(text)
    result["source_format"] = source_format
    if not result["judgments"] and not result["findings"]:
        raise ReportUnreadable(NOT_A_REPORT)
    context = result["programme"] or _mentions_inspectorate(text)
    if not context and not (result["force"] and result["judgments"]):
        # Council minutes and similar papers can contain "should" lists; a report names
        # HMICFRS or a PEEL inspection, or at least a force with graded judgments.
        raise ReportUnreadable(NO_REPORT_CONTEXT)
    return result


def _mentions_inspectorate(text: str) -> bool:
    return bool(re.search(r"\bHMIC(FRS)?\b|Inspectorate of Constabulary|\bPEEL\b", text))


def parse_report(text: str) -> dict:
    """Read judgments and findings from a report's text (see the module docstring)."""
    text = _normalise_newlines(text)
    raw_lines = text.split("\n")
    plain = LINK.sub(r"\1", text)
    warnings: list[str] = []

    force = _find_force(plain)
    programme = _find_programme(plain)
    published, published_note = _find_published(plain)
    if not force:
        warnings.append("No police force name found.")
    if not programme:
        warnings.append("No inspection programme (e.g. PEEL 2018/19) found.")
    if not published:
        warnings.append("No publication date found.")
    elif published_note:
        warnings.append(published_note)

    units = _build_units(raw_lines)
    modern = _is_modern(programme, units)
    reader = _JudgmentReader(units, modern, _programme_year(programme))
    judgments = reader.read()
    warnings.extend(reader.warnings)
    findings = _FindingReader(units, reader.section_headings)
    findings.read()
    warnings.extend(findings.warnings)
    if not judgments:
        warnings.append("No graded judgments found.")
    if not findings.findings:
        warnings.append("No areas for improvement, causes of concern or recommendations found.")
    return {
        "force": force,
        "programme": programme,
        "published": published,
        "judgments": judgments,
        "findings": findings.findings,
        "skipped": findings.skipped,
        "warnings": warnings,
    }


# Metadata ----------------------------------------------------------------------------------


def _force_pattern(name: str) -> str:
    """A pattern for a force name that tolerates line breaks, "&" and a missing hyphen."""
    words = []
    for word in name.split():
        if word == "and":
            words.append("(?:and|&)")
        else:
            words.append(r"[-\s]".join(re.escape(part) for part in word.split("-")))
    pattern = r"\s+".join(words)
    if name == "Metropolitan Police Service":
        pattern = r"Metropolitan\s+Police(?:\s+Service)?"
    return pattern


FORCE_PATTERNS = [(name, re.compile(r"\b" + _force_pattern(name) + r"\b")) for name in FORCES]
GENERIC_FORCE = re.compile(
    r"\b((?:[A-Z][\w'’-]+\s+(?:(?:and|of|&)\s+)?){1,4}(?:Constabulary|Police Service|Police))\b"
)


def _find_force(text: str) -> str | None:
    head = text[:3000]
    match = re.search(r"\binspection of\s+(?:the\s+)?([^\n]+)", head, re.I)
    if match:
        named = _known_force(match.group(1)) or _generic_force(match.group(1))
        if named:
            return named
    match = re.search(r"^PEEL\b[^\n]*?[–—-]\s+([^\n]+)$", text, re.M)
    if match and _known_force(match.group(1)):
        return _known_force(match.group(1))
    counts = []
    for name, pattern in FORCE_PATTERNS:
        hits = list(pattern.finditer(text))
        if hits:
            counts.append((len(hits), -hits[0].start(), name))
    if counts:
        return max(counts)[2]
    for name in FORCES:
        place = name.rsplit(" ", 1)[0]
        if re.search(r"^" + _force_pattern(place) + r"\b", head, re.M):
            return name
    return _generic_force(head)


def _known_force(text: str) -> str | None:
    for name, pattern in FORCE_PATTERNS:
        if pattern.match(text.strip()):
            return name
    return None


def _generic_force(text: str) -> str | None:
    """A force not in FORCES, e.g. "Civil Nuclear Constabulary", named in the text."""
    for match in GENERIC_FORCE.finditer(text):
        words = match.group(1).split()
        while words and words[0] in (
            "The",
            "A",
            "An",
            "Our",
            "This",
            "That",
            "Each",
            "All",
            "Every",
        ):
            words = words[1:]
        if len(words) > 1 and words[0] not in ("Police", "Constabulary", "and", "of", "&"):
            return " ".join(words)
    return None


YEAR = r"((?:19|20)\d\d)(?:\s*(?:/|–|—|-|to)\s*((?:19|20)?\d\d)\b)?"


def _find_programme(text: str) -> str | None:
    patterns = (
        r"Police effectiveness, efficiency and legitimacy\s+" + YEAR,
        r"\bPEEL\b[^\n]{0,60}?\b" + YEAR,
    )
    for pattern in patterns:
        match = re.search(pattern, text, re.I)
        if match:
            year = _format_year(match.group(1), match.group(2))
            if "/" not in year and "–" not in year:
                year = _programme_span(text, year)
            return f"PEEL {year}"
    return None


def _format_year(start: str, end: str | None) -> str:
    if not end:
        return start
    end_short = int(end[-2:])
    span = (end_short - int(start[-2:])) % 100
    if span == 1:
        return f"{start}/{end_short:02d}"
    return f"{start}–{end_short:02d}"


def _programme_span(text: str, year: str) -> str:
    """Turn "2018" into "2018/19" when the report says it inspected "in 2018/19"."""
    following = f"{year}/{(int(year) + 1) % 100:02d}"
    if re.search(r"\binspect\w*\s+in\s+" + re.escape(following), text, re.I):
        return following
    return year


def _programme_year(programme: str | None) -> str | None:
    return programme.split()[-1] if programme else None


def _find_published(text: str) -> tuple[str | None, str | None]:
    """The publication month as "YYYY-MM", and a note when it came from a "last updated" date."""
    month = rf"({MONTH_WORDS})\.?"
    patterns = (
        rf"\b{month}\s+(\d{{4}})\s*\|\s*©",
        rf"\b(?:published|publication date|date of publication|first published)\b\s*(?:on)?\s*:?\s*"
        rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{month},?\s+(\d{{4}})",
    )
    for pattern in patterns:
        match = re.search(pattern, text, re.I)
        if match:
            return _month(match.group(1), match.group(2)), None
    match = re.search(
        r"\b(?:published|publication date|first published)\b\s*(?:on)?\s*:?\s*"
        r"(\d{1,2})/(\d{1,2})/(\d{4})",
        text,
        re.I,
    )
    if match:
        return f"{match.group(3)}-{int(match.group(2)):02d}", None
    match = re.search(
        r"\b(?:last updated|updated)\b\s*(?:on)?\s*:?\s*(?:(\d{1,2})/(\d{1,2})/(\d{4})|"
        rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+)?{month},?\s+(\d{{4}}))",
        text,
        re.I,
    )
    if match:
        if match.group(3):
            published = f"{match.group(3)}-{int(match.group(2)):02d}"
        else:
            published = _month(match.group(4), match.group(5))
        return published, (
            f"Publication date {published} is the page's 'last updated' date; "
            "the report itself may give a different month."
        )
    return None, None


def _month(name: str, year: str) -> str:
    prefix = name.lower()[:3]
    number = next(i for i, month in enumerate(MONTHS, 1) if month.startswith(prefix))
    return f"{year}-{number:02d}"


# Lines into units --------------------------------------------------------------------------


def _clean_line(line: str) -> str:
    """Strip Markdown and conversion debris from one line, keeping tabs between table cells."""
    line = LINK.sub(r"\1", line)
    line = MARKDOWN_ESCAPE.sub(r"\1", line)
    line = re.sub(r"\*\*|__", "", line)
    line = line.replace("\u00a0", " ").replace("\u00ad", "").replace("\u200b", "")
    if re.match(r"^\s*\|.*\|\s*$", line):
        if re.match(r"^[\s|:-]+$", line):
            return ""
        line = "\t".join(cell.strip() for cell in line.strip().strip("|").split("|"))
    line = re.sub(r"^\s{0,3}#{1,6}\s+", "", line)
    line = re.sub(r"^\s*>\s?", "", line)
    # Conversions sometimes drop the space after a colon or full stop ("immediately:agree").
    line = re.sub(r"(?<=[a-z]):(?=[A-Za-z])", ": ", line)
    line = re.sub(r"(?<=[a-z]{2})\.(?=[A-Z][a-z])", ". ", line)
    line = re.sub(r"[ ]*\t[ \t]*", "\t", line)
    line = re.sub(r" {2,}", " ", line)
    return line.strip(" ")


def _is_noise(line: str, repeated: set[str]) -> bool:
    """Page numbers, running headers and footers that PDF conversion leaves in the text."""
    if re.fullmatch(r"(page\s+)?\d{1,3}(\s+of\s+\d{1,3})?", line, re.I):
        return True
    if re.fullmatch(r"PEEL\b.{0,90}\d{4}\S*\s+[–—-]\s+.+", line) and len(line) < 140:
        return True
    if re.fullmatch(r"(https?://)?www\.\S+", line):
        return True
    return line in repeated


def _running_lines(lines: list[str]) -> set[str]:
    """Lines repeated on many pages that name the report: running headers and footers."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    return {
        line
        for line, count in counts.items()
        if count >= 3
        and len(line) >= 12
        and not line.endswith(TERMINAL)
        and re.search(r"\b(PEEL|HMIC|HMICFRS|©|Crown copyright)\b|\d{4}", line)
        and not _is_standalone(line)
    }


def _split_bullets(line: str) -> list[tuple[str, bool]]:
    """Split a line into (text, is_bullet) pieces; conversions often run bullets together."""
    pieces = INLINE_BULLET.split(line)
    result = []
    for index, piece in enumerate(pieces):
        piece = piece.strip()
        if not piece:
            continue
        marker = BULLET_START.match(piece)
        if marker and len(piece) > marker.end():
            result.append((piece[marker.end() :].strip(), True))
        else:
            result.append((piece, index > 0))
    return result


def _layout_width(lines: list[str]) -> int | None:
    """The wrap width of text converted from a PDF, or None when paragraphs are not wrapped."""
    lengths = sorted(len(line) for line in lines if line and "\t" not in line)
    if len(lengths) < 20:
        return None
    p90 = lengths[int(len(lengths) * 0.9)]
    return p90 if p90 <= 160 else None


def _build_units(raw_lines: list[str]) -> list[Unit]:
    cleaned = [_clean_line(line) for line in raw_lines]
    repeated = _running_lines(cleaned)
    kept = [line if line and not _is_noise(line, repeated) else None for line in cleaned]
    width = _layout_width([line for line in kept if line])
    units: list[Unit] = []
    gap = True
    for number, (raw, line) in enumerate(zip(raw_lines, kept, strict=True), 1):
        if line is None:
            # Removed page furniture is not a paragraph break; a genuinely blank line is.
            if not cleaned[number - 1]:
                gap = True
            continue
        indented = raw[:1] in (" ", "\t") and "\t" not in line
        for text, bullet in _split_bullets(line):
            previous = units[-1] if units else None
            if (
                previous
                and not bullet
                and _continues(previous, text, gap=gap, indented=indented, width=width)
            ):
                previous.append(text, number)
            else:
                units.append(
                    Unit(
                        text=text,
                        line=number,
                        bullet=bullet,
                        gap_before=gap,
                        table="\t" in text,
                        last_line_length=len(text),
                    )
                )
            gap = False
    return units


def _first_letter(text: str) -> str:
    match = re.search(r"[A-Za-z0-9]", text)
    return match.group(0) if match else ""


def _continues(previous: Unit, text: str, *, gap: bool, indented: bool, width: int | None) -> bool:
    """Whether a line carries on the previous unit rather than starting a new one."""
    if previous.table or "\t" in text or _is_standalone(text) or _is_standalone(previous.text):
        return False
    before = previous.text.rstrip()
    first = _first_letter(text)
    ends_sentence = before.endswith(TERMINAL)
    if first.islower():
        if gap:
            # A sentence broken by a page break: "... users of mental health" / "services ...".
            return not ends_sentence and not LIST_ITEM_END.search(before)
        if before.endswith(":"):
            return False
        return not (LIST_ITEM_END.search(before) and not _is_long(previous, width))
    if gap:
        return False
    if previous.bullet and (indented or not ends_sentence):
        return True
    if ends_sentence:
        return False
    return _is_long(previous, width)


def _is_long(unit: Unit, width: int | None) -> bool:
    limit = width * 0.75 if width else 60
    return unit.last_line_length >= limit


def _is_grade(text: str) -> str | None:
    match = re.fullmatch(
        r"(?:(?:grade|judgment|judgement|rating|overall judgment)\s*[:–-]\s*)?"
        rf"({GRADE_WORDS})\.?",
        text.strip(),
        re.I,
    )
    return _grade_label(match.group(1)) if match else None


def _grade_label(word: str) -> str:
    word = word.lower()
    if word == "not graded":
        return "Ungraded"
    return word[0].upper() + word[1:]


def _is_standalone(text: str) -> bool:
    """Headings and grades that never join onto a neighbouring line."""
    text = text.strip()
    if _is_grade(text) or text in PILLARS or _known_heading(text):
        return True
    for heading in (AFI_HEADING, COC_HEADING, REC_HEADING):
        match = heading.fullmatch(text)
        if match and not match.group(match.lastindex):
            return True
    return False


def _known_heading(text: str) -> Question | None:
    wanted = text.strip().rstrip(":").lower()
    for question in QUESTIONS:
        if wanted in question.headings or wanted == question.name.lower():
            return question
    return None


def _is_question(text: str) -> bool:
    return text.endswith("?") and bool(
        re.match(r"(how|to what extent|what|does|is|are)\b", text, re.I)
    )


def _pillar_of_question(text: str) -> str | None:
    """The pillar a pillar-level question ("How efficiently does the force ...?") asks about."""
    if not _is_question(text):
        return None
    lowered = text.lower()
    if re.match(r"how legitimate(ly)?\b", lowered):
        return "Legitimacy"
    if re.match(r"how efficient(ly)?\b", lowered) and re.search(
        r"sustainab|keep\w* people safe|\boperate\b", lowered
    ):
        return "Efficiency"
    if (
        re.match(r"how effective(ly)?\b", lowered)
        and re.search(r"\breduc\w* crime", lowered)
        and not re.search(r"prevent|vulnerable|investigat|organised|specialist", lowered)
    ):
        return "Effectiveness"
    return None


def _question_of(text: str) -> Question | None:
    if _is_question(text):
        lowered = text.lower().replace("’", "'")
        for question in QUESTIONS:
            if re.search(question.wording, lowered):
                return question
        return None
    return _known_heading(text)


def _is_headingish(unit: Unit) -> bool:
    text = unit.text
    return (
        not unit.bullet
        and not unit.table
        and len(text) <= 150
        and len(text.split()) <= 15
        and not text.endswith((".", ",", ";", ":"))
        and _first_letter(text).isupper()
    )


def _is_modern(programme: str | None, units: list[Unit]) -> bool:
    """Reports from 2021 onwards grade questions on five levels and have no pillar grades."""
    year = _programme_year(programme)
    if year:
        return int(year[:4]) >= 2021
    return any(_is_grade(unit.text) == "Adequate" for unit in units)


def _modern_question_name(text: str) -> str:
    name = re.sub(
        r"^(how (good|well|effective(ly)?|efficient(ly)?) (is|does|are) the force('s)?"
        r"( (at|in))?|to what extent (is|does) the force)\s+",
        "",
        text.strip().rstrip("?"),
        flags=re.I,
    )
    return name[:1].upper() + name[1:]


def _normalise_year(year: str) -> str:
    if "/" in year:
        start, end = year.split("/")
        return _format_year(start, end)
    return _format_year(year, str(int(year) + 1))


# Judgments ---------------------------------------------------------------------------------


class _JudgmentReader:
    """Finds graded judgments in headings followed by grades, summary tables and sentences."""

    def __init__(self, units: list[Unit], modern: bool, programme_year: str | None):
        self.units = units
        self.modern = modern
        self.programme_year = programme_year
        self.found: dict[tuple[str | None, str | None], dict] = {}
        self.order: list[tuple[str | None, str | None]] = []
        self.section_headings: dict[int, str] = {}
        self.warnings: list[str] = []

    def read(self) -> list[dict]:
        pillar = None
        for index, unit in enumerate(self.units):
            text = unit.text
            row = self._table_row(unit)
            if row:
                pillar = self._record_row(row, pillar)
                continue
            named_pillar = self._pillar_heading(text)
            if named_pillar:
                pillar = named_pillar
                self.section_headings[index] = named_pillar
                continue
            grade = _is_grade(text)
            if grade:
                self._record_grade(index, grade, pillar)
                pillar = self._pillar_after(index, pillar)
                continue
            question = _question_of(text) if _is_headingish(unit) or _is_question(text) else None
            if question:
                self.section_headings[index] = question.section
            elif NEUTRAL_HEADINGS.match(text):
                self.section_headings[index] = ""
        self._sentence_pillars()
        self._sentence_questions()
        return self._ordered()

    def _pillar_heading(self, text: str) -> str | None:
        match = re.fullmatch(
            r"(?:questions for\s+)?(effectiveness|efficiency|legitimacy)", text, re.I
        )
        if match:
            return match.group(1).capitalize()
        return _pillar_of_question(text)

    def _pillar_after(self, index: int, pillar: str | None) -> str | None:
        heading = self._heading_before(index)
        if heading is not None:
            found = self._pillar_heading(self.units[heading].text)
            if found:
                return found
        return pillar

    def _heading_before(self, index: int) -> int | None:
        for back in range(index - 1, max(index - 5, -1), -1):
            text = self.units[back].text
            if re.match(r"(last updated|updated|published|skip to content)\b", text, re.I):
                continue
            if re.fullmatch(r"\d{1,2}", text):
                continue
            return back
        return None

    def _record_grade(self, index: int, grade: str, pillar: str | None) -> None:
        heading_index = self._heading_before(index)
        if heading_index is None:
            return
        heading = self.units[heading_index]
        if heading.bullet or _is_grade(heading.text):
            return
        text = heading.text
        named_pillar = self._pillar_heading(text)
        last = self._carried_over(index)
        if named_pillar:
            if not self.modern:
                self._add(named_pillar, None, grade, last)
            return
        if not (_is_headingish(heading) or _is_question(text)):
            return
        name, section, question_pillar = self._name_question(text, pillar)
        self.section_headings[heading_index] = section
        self._add(question_pillar, name, grade, last)

    def _name_question(self, text: str, pillar: str | None) -> tuple[str, str, str | None]:
        """Short name, findings section and pillar for a graded heading."""
        if self.modern:
            name = _modern_question_name(text) if _is_question(text) else text
            return name, name, None
        question = _question_of(text)
        if question:
            return question.name, question.section, question.pillar
        return text, text, pillar

    def _carried_over(self, index: int) -> str | None:
        for unit in self.units[index + 1 : index + 4]:
            if _is_grade(unit.text) or _known_heading(unit.text):
                break
            match = re.search(
                r"judgment from (?:the |our )?((?:19|20)\d\d(?:/\d\d)?)\b[^.]{0,60}?"
                r"carried (?:over|forward)",
                unit.text,
                re.I,
            ) or re.search(
                r"last inspected:?\s*(?:in\s+)?((?:19|20)\d\d(?:/\d\d)?)", unit.text, re.I
            )
            if match:
                return _normalise_year(match.group(1))
        return None

    def _table_row(self, unit: Unit) -> dict | None:
        text = unit.text
        if unit.table:
            cells = [cell.strip() for cell in text.split("\t") if cell.strip()]
        else:
            match = re.fullmatch(
                rf"(.{{3,110}}?)\s+({GRADE_WORDS})(?:\s+((?:19|20)\d\d/\d\d))?(\s+last inspected)?",
                text,
                re.I,
            )
            if not match:
                match = re.fullmatch(
                    r"(effectiveness|efficiency|legitimacy)\s+last inspected", text, re.I
                )
                if not match:
                    return None
                return {"name": match.group(1).capitalize(), "grade": None, "year": None}
            cells = [group for group in match.groups() if group]
        name = None
        grade = None
        year = None
        for cell in cells:
            if _is_grade(cell) and grade is None and name is not None:
                grade = _is_grade(cell)
            elif re.fullmatch(r"(19|20)\d\d/\d\d", cell):
                year = cell
            elif cell.lower() == "last inspected":
                continue
            elif name is None:
                name = cell
        if not name:
            return None
        is_pillar = name.capitalize() in PILLARS
        question = _question_of(name)
        if not (is_pillar or question or (grade and self.modern and _is_headingish(Unit(name, 0)))):
            return None
        return {"name": name, "grade": grade, "year": year}

    def _record_row(self, row: dict, pillar: str | None) -> str | None:
        name = row["name"]
        if name.capitalize() in PILLARS:
            if row["grade"] and not self.modern:
                self._add(name.capitalize(), None, row["grade"], row["year"])
            return name.capitalize()
        if row["grade"]:
            short, _section, question_pillar = self._name_question(name, pillar)
            self._add(question_pillar, short, row["grade"], row["year"])
        return pillar

    def _add(self, pillar: str | None, question: str | None, grade: str, last: str | None) -> None:
        key = (pillar if question is None else None, question)
        if key in self.found:
            existing = self.found[key]
            if existing["grade"] != grade:
                subject = question or pillar
                self.warnings.append(
                    f"The report gives two grades for {subject}: {existing['grade']} and {grade}; "
                    f"kept {existing['grade']}."
                )
            if not existing["last_inspected"] and last:
                existing["last_inspected"] = last
            if existing["pillar"] is None and pillar:
                existing["pillar"] = pillar
            return
        self.found[key] = {
            "pillar": pillar,
            "question": question,
            "grade": grade,
            "last_inspected": last,
        }
        self.order.append(key)

    def _sentence_pillars(self) -> None:
        """Web pages state pillar grades in sentences: "X Police is good at reducing crime"."""
        if self.modern:
            return
        have = {pillar for (pillar, question) in self.found if question is None}
        for unit in self.units:
            for sentence in re.split(r"(?<=[.!?])\s+", unit.text):
                found = _pillar_sentence(sentence)
                if found and found[0] not in have:
                    have.add(found[0])
                    self._add(found[0], None, found[1], None)

    def _sentence_questions(self) -> None:
        """2021+ reports also grade each question in a sentence ("The force is adequate at
        investigating crime."); used only when no question heading carried a grade."""
        if not self.modern or any(question for (_pillar, question) in self.found):
            return
        for unit in self.units:
            for sentence in re.split(r"(?<=[.!?])\s+", unit.text):
                match = re.match(
                    r"(?:(?:[A-Z][\w'’-]*|and|of|&)\s+){0,7}?(?:constabulary|police|force)\s+"
                    r"(?:is (outstanding|good|adequate|inadequate)|(requires improvement)) "
                    r"(?:at|in) ([a-z][\w ,'’-]{3,80}?)\.?$",
                    sentence.strip(),
                    re.I,
                )
                if match:
                    grade = _grade_label(match.group(1) or match.group(2))
                    self._add(None, _capitalise(match.group(3)), grade, None)
        if any(question for (_pillar, question) in self.found):
            self.warnings.append(
                "Question grades were read from summary sentences; check the question names."
            )

    def _ordered(self) -> list[dict]:
        judgments = [self.found[key] for key in self.order]
        for judgment in judgments:
            if not judgment["last_inspected"]:
                judgment["last_inspected"] = self.programme_year
        rank = {pillar: index for index, pillar in enumerate(PILLARS)}
        return sorted(
            judgments,
            key=lambda j: (rank.get(j["pillar"], len(PILLARS)), j["question"] is not None),
        )


def _pillar_sentence(sentence: str) -> tuple[str, str] | None:
    lowered = sentence.lower().strip()
    # "In 2017/18, we judged the force to be good at ..." reports an earlier year.
    if re.match(r"in (19|20)\d\d", lowered) or "we judged" in lowered:
        return None
    subject = r"^(?:(?:[A-Z][\w'’-]*|and|of|&)\s+){0,7}?(?:constabulary|police|force)(?:['’]s \w+)?"
    match = re.search(
        subject + r"\s+(?:is|was|remains|has been judged to be)\s+"
        r"(outstanding|good|adequate|inadequate)\b|" + subject + r"\s+(requires improvement)\b",
        sentence.strip(),
        re.I,
    )
    if not match:
        return None
    grade = _grade_label(match.group(1) or match.group(2))
    if re.search(r"legitima|treat\w* the public and (its|the) workforce", lowered):
        return "Legitimacy", grade
    if re.search(r"efficien|sustainab", lowered):
        return "Efficiency", grade
    if re.search(
        r"reduc\w* crime and keep\w* people safe|keep\w* people safe and reduc\w* crime|"
        r"effectiveness",
        lowered,
    ):
        return "Effectiveness", grade
    return None


# Findings ----------------------------------------------------------------------------------


def _theme(text: str, section: str | None) -> str | None:
    for source in (text, section or ""):
        lowered = source.lower()
        for theme, pattern in THEMES:
            if re.search(pattern, lowered):
                return theme
    return "other" if text else None


def _timescale(text: str) -> str | None:
    """A recommendation's deadline, when it is stated at its start or beside its verb."""
    for match in TIMESCALE.finditer(text):
        before = text[max(0, match.start() - 30) : match.start()].lower()
        if match.start() < 60 or re.search(r"(should|must|recommends?( that)?),?\s*$", before):
            value = match.group(1)
            if value.lower() in ("immediately", "with immediate effect"):
                return "immediately"
            return value[0].lower() + value[1:]
    return None


def _strip_part(text: str) -> str:
    text = re.sub(r"(;\s*(and|or)|,\s*and|;|,)\s*$", "", text.strip())
    return text.strip()


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _stem_subject(stem: str) -> str | None:
    """ "HMIC recommends that within six months the force should:" -> "The force should"."""
    matches = list(re.finditer(r"\b(should|must|needs? to|is to)\b", stem, re.I))
    if not matches:
        return None
    modal = matches[-1]
    subject = stem[: modal.start()]
    subject = re.split(r"\bthat\b|,|:", subject)[-1]
    subject = TIMESCALE.sub("", subject)
    subject = " ".join(subject.split())
    if not subject or len(subject.split()) > 6:
        return None
    return f"{_capitalise(subject)} {modal.group(1).lower()}"


def _join_part(stem: str, part: str) -> str:
    part = _strip_part(part)
    subject = _stem_subject(stem)
    if not subject or re.search(r"\b(should|must|needs? to)\b", " ".join(part.split()[:8]), re.I):
        return _capitalise(part)
    if part[:1].isupper() and part[1:2].islower():
        part = part[0].lower() + part[1:]
    return f"{subject} {part}"


def _sentences(text: str) -> list[tuple[int, str]]:
    """Split a paragraph into (offset, sentence) pairs."""
    result = []
    ends = r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bNo)[.!?](?=\s+[A-Z\"'‘“(])"
    for match in re.finditer(r"\S.*?(?:" + ends + r"|$)", text, re.S):
        result.append((match.start(), match.group(0).strip()))
    return result


def _normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class _FindingReader:
    """Walks the units and picks out areas for improvement, causes of concern and
    recommendations."""

    def __init__(self, units: list[Unit], section_headings: dict[int, str]):
        self.units = units
        self.section_headings = section_headings
        self.findings: list[dict] = []
        self.skipped: list[dict] = []
        self.warnings: list[str] = []
        self.section: str | None = None
        self.open_cause: int | None = None
        self.seen: dict[tuple[str, str], int] = {}

    # Walking ------------------------------------------------------------------------------

    def read(self) -> None:
        index = 0
        while index < len(self.units):
            index = self._step(index)

    def _step(self, index: int) -> int:
        unit = self.units[index]
        text = unit.text
        if index in self.section_headings:
            self.section = self.section_headings[index] or None
            self.open_cause = None
            return index + 1
        if _is_grade(text):
            self.open_cause = None
            return index + 1
        if _is_headingish(unit) and not _is_standalone(text):
            self.open_cause = None
        if not unit.bullet:
            afi = AFI_HEADING.fullmatch(text)
            if afi and (not afi.group(2) or afi.group(2)[:1].isupper()):
                self.open_cause = None
                return self._areas(
                    index, plural=afi.group(1).lower() == "areas", inline=afi.group(2)
                )
            cause = COC_HEADING.fullmatch(text)
            if cause and (not cause.group(2) or cause.group(2)[:1].isupper()):
                return self._causes(index, inline=cause.group(2))
            rec = REC_HEADING.fullmatch(text)
            if rec and (not rec.group(1) or rec.group(1)[:1].isupper()) and len(text) < 400:
                if rec.group(1):
                    return self._recommendations(index, inline=rec.group(1))
                return self._recommendations(index)
        return self._narrative(index)

    def _ends_block(self, unit: Unit) -> bool:
        text = unit.text
        return bool(
            _is_grade(text)
            or (not unit.bullet and (AFI_HEADING.fullmatch(text) or COC_HEADING.fullmatch(text)))
            or (not unit.bullet and REC_HEADING.fullmatch(text) and len(text) < 40)
            or _known_heading(text)
            or NEUTRAL_HEADINGS.match(text)
            or text in PILLARS
        )

    # Areas for improvement -----------------------------------------------------------------

    def _areas(self, index: int, *, plural: bool, inline: str) -> int:
        heading = self.units[index]
        if inline:
            self._add_unit("area_for_improvement", Unit(inline, heading.line), text=inline)
            return index + 1
        position = index + 1
        taken = 0
        while position < len(self.units):
            unit = self.units[position]
            if self._ends_block(unit):
                break
            if self._is_stem(unit.text):
                position = self._stem(position, "area_for_improvement")
                taken += 1
                continue
            if unit.bullet:
                text, following = self._bullet(position)
                if ACHIEVED.search(text) and not DIRECTIVE.search(text):
                    self._skip(unit, "improvement already made, not a finding")
                else:
                    self._add_unit("area_for_improvement", unit, text=text)
                    taken += 1
                position = following
                continue
            if taken and not plural:
                break
            if _is_headingish(unit) or (taken and self.units[position - 1].bullet):
                break
            if DIRECTIVE.search(unit.text) or IMPERATIVE.match(unit.text):
                self._add_unit("area_for_improvement", unit)
                taken += 1
                position += 1
                if not plural:
                    break
                continue
            if not taken:
                self._skip(unit, "narrative after 'Area for improvement', not a finding")
            break
        if not taken:
            self.warnings.append(
                f"'{heading.text}' on line {heading.line} is not followed by any finding."
            )
        return max(position, index + 1)

    def _bullet(self, position: int) -> tuple[str, int]:
        """A bullet's text, plus any unbulleted line caught between it and the next bullet
        (a wrapped line the conversion split off), and the index after it."""
        text = self.units[position].text
        following = position + 1
        while (
            following + 1 < len(self.units)
            and not self.units[following].bullet
            and not self.units[following].gap_before
            and self.units[following + 1].bullet
            and not self._ends_block(self.units[following])
        ):
            text = f"{text} {self.units[following].text}"
            following += 1
        return text, following

    # Causes of concern and recommendations -------------------------------------------------

    def _causes(self, index: int, *, inline: str) -> int:
        heading = self.units[index]
        if inline:
            self.open_cause = self._add_unit("cause_of_concern", heading, text=inline)
            return index + 1
        position = index + 1
        if position < len(self.units) and self.units[position].bullet:
            # "Causes of concern" followed by a list: one cause per item.
            while position < len(self.units) and self.units[position].bullet:
                text, following = self._bullet(position)
                self.open_cause = self._add_unit(
                    "cause_of_concern", self.units[position], text=text
                )
                position = following
            return position
        if position < len(self.units) and re.fullmatch(
            r"our inspection found:?", self.units[position].text, re.I
        ):
            position += 1
        if position < len(self.units) and re.fullmatch(
            r"(accelerated )?causes? of concern:?", self.units[position].text, re.I
        ):
            # A section heading ("Causes of concern") over the first cause's own heading.
            return position
        if position >= len(self.units) or self._ends_block(self.units[position]):
            self.warnings.append(
                f"'{heading.text}' on line {heading.line} is not followed by any text."
            )
            return position
        # A cause may run over a few paragraphs when its recommendations follow; otherwise
        # only the first paragraph is taken, since narrative usually comes next.
        end = position + 1
        while end < len(self.units) and end - position < 6:
            unit = self.units[end]
            if self._ends_block(unit) or _is_headingish(unit) or self._opens_recommendations(unit):
                break
            end += 1
        if not (end < len(self.units) and self._opens_recommendations(self.units[end])):
            end = position + 1
        texts = [unit.text for unit in self.units[position:end]]
        if texts[-1].endswith(":"):
            parts, end = self._parts(end - 1)
            texts.extend(text for _unit, text in parts)
        text = " ".join(texts)
        text = re.sub(r"^our inspection found:?\s*", "", text, flags=re.I)
        text = text.strip().strip("\"“”'‘’").strip()
        if re.search(
            r"\b(no|not (identify|find)\b[^.]*\bany)\b[^.]*\bcauses? of concern", text, re.I
        ):
            self._skip(self.units[position], "states there is no cause of concern")
            return end
        self.open_cause = self._add_unit("cause_of_concern", self.units[position], text=text)
        return end

    def _opens_recommendations(self, unit: Unit) -> bool:
        return bool(
            (REC_HEADING.fullmatch(unit.text) and len(unit.text) < 40)
            or RECOMMEND_SENTENCE.search(unit.text)
            or self._is_stem(unit.text)
        )

    def _recommendations(self, index: int, inline: str = "") -> int:
        parent = self.open_cause
        if inline:
            self._add_unit("recommendation", self.units[index], text=inline, parent=parent)
            return index + 1
        position = index + 1
        taken = 0
        while position < len(self.units):
            unit = self.units[position]
            if self._ends_block(unit):
                break
            if self._is_stem(unit.text):
                position = self._stem(position, "recommendation", parent=parent)
                taken += 1
                continue
            if unit.bullet:
                text, position = self._bullet(position)
                self._add_unit("recommendation", unit, text=text, parent=parent)
                taken += 1
                continue
            if _is_headingish(unit) or not (
                DIRECTIVE.search(unit.text) or TIMESCALE.match(unit.text)
            ):
                break
            if PAST_RECOMMENDATION.search(unit.text):
                break
            self._add_unit("recommendation", unit, parent=parent)
            taken += 1
            position += 1
        if not taken:
            self.warnings.append(
                f"'{self.units[index].text}' on line {self.units[index].line} "
                "is not followed by any recommendation."
            )
        self.open_cause = None
        return position

    # Stems -------------------------------------------------------------------------------

    def _is_stem(self, text: str) -> bool:
        text = text.strip()
        if not text.endswith(":") or len(text) > 400:
            return False
        if PAST_RECOMMENDATION.search(text):
            return False
        return bool(
            DIRECTIVE.search(text)
            or TIMESCALE.search(text)
            or re.search(r"as follows:$", text, re.I)
        )

    def _parts(self, position: int) -> tuple[list[tuple[Unit, str]], int]:
        """The list items after a stem at position, and the index after them."""
        parts: list[tuple[Unit, str]] = []
        following = position + 1
        while following < len(self.units):
            unit = self.units[following]
            if unit.bullet:
                text, following = self._bullet(following)
                parts.append((unit, text))
                continue
            if self._ends_block(unit) or _is_headingish(unit):
                break
            if LIST_ITEM_END.search(unit.text):
                parts.append((unit, unit.text))
                following += 1
                continue
            if parts and re.search(r"(;\s*(and|or)|,\s*and|\band)$", parts[-1][1]):
                parts.append((unit, unit.text))
                following += 1
            break
        return parts, following

    def _stem(self, position: int, kind: str, parent: int | None = None) -> int:
        stem_unit = self.units[position]
        stem = stem_unit.text
        parts, following = self._parts(position)
        if not parts:
            self._missing_parts(stem_unit)
            return position + 1
        timescale = _timescale(stem)
        for unit, text in parts:
            self._add_unit(
                kind,
                unit,
                text=_join_part(stem, text),
                parent=parent,
                timescale=_timescale(text) or timescale,
                stem=stem,
            )
        return following

    def _missing_parts(self, unit: Unit) -> None:
        ending = " ".join(unit.text.rstrip(":").split()[-2:]) + ":"
        self._skip(unit, f"stem with no parts: the list after '{ending}' is missing from this copy")
        self.warnings.append(
            f"Line {unit.line} ends with '{ending}' but the list that should follow is missing, "
            "so nothing was imported for it. Check the original report and add these by hand."
        )

    # Narrative ------------------------------------------------------------------------------

    def _narrative(self, index: int) -> int:
        """Free-text recommendations and descriptive lists inside ordinary paragraphs."""
        unit = self.units[index]
        text = unit.text
        sentences = _sentences(text)
        last_offset, last_sentence = sentences[-1] if sentences else (0, text)
        if text.endswith(":") and PAST_RECOMMENDATION.search(last_sentence):
            parts, following = self._parts(index)
            for part, _part_text in parts:
                self._skip(part, "earlier recommendation quoted for context, not a finding")
            return max(following, index + 1)
        following = index + 1
        taken: set[int] = set()
        for offset, sentence in sentences:
            if (
                not RECOMMEND_SENTENCE.search(sentence)
                or PAST_RECOMMENDATION.search(sentence)
                or not ADDRESSEE.search(sentence)
            ):
                continue
            taken.add(offset)
            if offset == last_offset and sentence.endswith(":"):
                following = self._stem_from(index, offset)
            else:
                self._add_unit(
                    "recommendation", unit, text=sentence, parent=self.open_cause, offset=offset
                )
        if taken:
            self._narrative_points(unit, exclude=taken)
            return following
        if text.endswith(":") and OTHER_STEM.search(last_sentence) and not ACHIEVED.search(text):
            parts, following = self._parts(index)
            if not parts:
                self._missing_parts(unit)
                return index + 1
            self._narrative_points(unit, exclude={last_offset})
            for part, part_text in parts:
                self._add_unit("other", part, text=_capitalise(_strip_part(part_text)), stem=text)
            return following
        if re.search(r"as follows:$", text, re.I) and (
            DIRECTIVE.search(last_sentence)
            or re.search(r"improvement|concern", last_sentence, re.I)
        ):
            parts, following = self._parts(index)
            if not parts:
                self._missing_parts(unit)
                return index + 1
        self._narrative_points(unit)
        return index + 1

    def _stem_from(self, index: int, start: int) -> int:
        unit = self.units[index]
        stem = unit.text[start:]
        parts, following = self._parts(index)
        if not parts:
            self._missing_parts(unit)
            return index + 1
        for part, text in parts:
            self._add_unit(
                "recommendation",
                part,
                text=_join_part(stem, text),
                parent=self.open_cause,
                timescale=_timescale(text) or _timescale(stem),
                stem=stem,
            )
        return following

    def _narrative_points(self, unit: Unit, exclude: set[int] | None = None) -> None:
        """List improvement points written into narrative so a coordinator can see them."""
        if unit.table or (unit.bullet and not DIRECTIVE.search(unit.text)):
            return
        for offset, sentence in _sentences(unit.text):
            if exclude and offset in exclude:
                continue
            if NARRATIVE_SHOULD.search(sentence) and not re.search(
                r"\bshould (help|lead|improve this|reinforce|mean|enable|allow)\b", sentence
            ):
                self.skipped.append(
                    {
                        "line": unit.line_at(offset),
                        "text": sentence,
                        "reason": "narrative, not a finding: an improvement point in the "
                        "report's text; add it by hand if the force wants to track it",
                    }
                )

    # Recording ------------------------------------------------------------------------------

    def _skip(self, unit: Unit, reason: str) -> None:
        self.skipped.append({"line": unit.line, "text": unit.text, "reason": reason})

    def _add_unit(
        self,
        kind: str,
        unit: Unit,
        *,
        text: str | None = None,
        parent: int | None = None,
        timescale: str | None = None,
        stem: str | None = None,
        offset: int = 0,
    ) -> int | None:
        text = " ".join((text if text is not None else unit.text).split())
        text = text.strip().strip('"“”').strip()
        # "The force should immediately: agree ..." reads as one sentence once imported.
        text = re.sub(
            r"\b(should|must|immediately|months|weeks|days|\d{4}):\s+(?=[a-z])", r"\1 ", text
        )
        if kind != "other":
            text = _capitalise(text)
        if not text:
            return None
        key = (kind, _normalised(text))
        if key in self.seen:
            earlier = self.findings[self.seen[key]]
            if earlier["section"] is None and self.section:
                # Summaries repeat findings before their section; keep the section's name.
                earlier["section"] = self.section
                earlier["theme"] = _theme(earlier["text"], self.section)
            self.skipped.append(
                {
                    "line": unit.line_at(offset),
                    "text": text,
                    "reason": f"duplicate of the finding on line {earlier['line']}",
                }
            )
            return self.seen[key]
        if kind == "recommendation" and timescale is None:
            timescale = _timescale(text)
        finding = {
            "kind": kind,
            "section": self.section,
            "text": text,
            "timescale": timescale,
            "parent": parent,
            "line": unit.line_at(offset),
            "theme": _theme(text, self.section),
        }
        if stem:
            finding["stem"] = stem
        self.findings.append(finding)
        self.seen[key] = len(self.findings) - 1
        return len(self.findings) - 1
