"""A finding's wording: sentences, timescales, themes and a stem joined to each of its parts."""

import re

from .vocabulary import THEMES, TIMESCALE


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
