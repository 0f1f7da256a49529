"""Text extraction: an uploaded PDF, saved web page or text copy as plain text, or a refusal.

PDFs are read with pypdf's layout mode, which keeps the gaps between paragraphs; a page set in
two columns would be read across both columns, and a scanned PDF has no text to read.
"""

import io
import re

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
PRESS_RELEASE = (
    "This is a news story or press release about an inspection, not the inspection report: it "
    "reports what the inspectorate said, so PEELtrack takes no grades or findings from it. "
    "Upload the report or letter it links to instead."
)
NO_REPORT_CONTEXT = (
    "This does not look like an HMICFRS inspection report: it names no police force, "
    "HMICFRS or PEEL inspection."
)


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
