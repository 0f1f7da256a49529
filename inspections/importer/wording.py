"""A finding's wording: sentences, timescales, themes and the list punctuation around a part."""

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


def _sentences(text: str) -> list[tuple[int, str]]:
    """Split a paragraph into (offset, sentence) pairs."""
    result = []
    ends = r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bNo)[.!?](?=\s+[A-Z\"'‘“(])"
    for match in re.finditer(r"\S.*?(?:" + ends + r"|$)", text, re.S):
        result.append((match.start(), match.group(0).strip()))
    return result


def _normalised(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()
