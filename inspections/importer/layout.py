"""Lines into units: paragraphs, headings and bullets, without page furniture or Markdown."""

import re
from dataclasses import dataclass, field

from .vocabulary import (
    BULLET_START,
    INLINE_BULLET,
    LINK,
    LIST_ITEM_END,
    MARKDOWN_ESCAPE,
    TERMINAL,
    _is_standalone,
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
