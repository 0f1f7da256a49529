"""The whole reading: extract the text, then read its metadata, judgments and findings."""

import re

from .extract import (
    NO_REPORT_CONTEXT,
    NOT_A_REPORT,
    ReportUnreadable,
    _normalise_newlines,
    extract_text,
)
from .findings import _FindingReader
from .judgments import _is_modern, _JudgmentReader
from .layout import _build_units
from .metadata import _find_force, _find_programme, _find_published, _programme_year
from .vocabulary import LINK


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
    """Read judgments and findings from a report's text (see the package docstring)."""
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
