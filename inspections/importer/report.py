"""The whole reading: extract the text, then read its metadata, judgments and findings."""

import re

from .extract import (
    NO_REPORT_CONTEXT,
    NOT_A_REPORT,
    PRESS_RELEASE,
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
    if _is_press_release(text):
        # A press release repeats a report's grades and recommendations in reported speech
        # ("'inadequate' in three areas", "HMICFRS has recommended that ..."); taking them from
        # it would invent findings the force tracks from the report itself.
        raise ReportUnreadable(PRESS_RELEASE)
    result = parse_report(text)
    result["source_format"] = source_format
    if not result["judgments"] and not result["findings"]:
        raise ReportUnreadable(NOT_A_REPORT)
    context = result["programme"] or _mentions_inspectorate(text) or REGISTER_MARKUP.search(text)
    causes = any(finding["kind"] == "cause_of_concern" for finding in result["findings"])
    if not context and not (result["force"] and (result["judgments"] or causes)):
        # Council minutes and similar papers can contain "should" lists; a report names
        # HMICFRS or a PEEL inspection, or at least a force with graded judgments.
        raise ReportUnreadable(NO_REPORT_CONTEXT)
    return result


def _mentions_inspectorate(text: str) -> bool:
    return bool(
        re.search(
            r"\bHMIC(FRS)?\b|Inspectorate of Constabulary|Justice Inspectorates?\b|\bPEEL\b", text
        )
    )


# The inspectorate's recommendations register marks each entry's history like this.
REGISTER_MARKUP = re.compile(r"\[status\][\w-]+\[/status\]")

# Reported speech about the inspectorate's findings: news stories and press releases.
PRESS_SAID = re.compile(
    r"\b(?:the (?:police )?inspectorate|HMICFRS|HMIC|inspectors)\s+(?:has |have |had )?"
    r"(?:also |today |yesterday )?said\b|"
    r"\b(?:Inspector|Chief Inspector) of Constabulary\b[^\n.]{0,60}?\bsaid\s*:|"
    r"\bHMI\s+[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)?\s+said\s*:|"
    r"^Publication types:\s*Press releases?\b",
    re.I | re.M,
)


def _is_press_release(text: str) -> bool:
    """News stories and press releases report what the inspectorate or an inspector said."""
    return bool(PRESS_SAID.search(text[:6000]))


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
