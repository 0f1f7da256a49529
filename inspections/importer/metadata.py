"""The report's force, inspection programme and publication month."""

import re

from .vocabulary import FORCES, MONTH_WORDS, MONTHS


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
    # The year comes right after "PEEL" and at most its spelt-out name ("PEEL: Police
    # effectiveness 2016", "PEEL 2021/22 – An inspection of", "(PEEL) 2023–25 inspection"),
    # or just before it ("our 2021–22 police effectiveness, efficiency and legitimacy (PEEL)
    # inspection"); a date later in the line ("PEEL causes of concern – May 2024") is not one.
    name = (
        r"(?:police\s+(?:effectiveness|efficiency|legitimacy)"
        r"(?:,?\s+(?:efficiency|and|legitimacy))*\s+)?"
    )
    patterns = (
        r"Police effectiveness, efficiency and legitimacy\s+" + YEAR,
        r"\bPEEL\b\)?[:\s]{0,3}(?:assessments?\s+)?" + name + r"\b" + YEAR,
        r"\b" + YEAR + r"\s+(?:police effectiveness, efficiency and legitimacy\s+)?\(?PEEL\b",
    )
    for pattern in patterns:
        match = re.search(pattern, text, re.I)
        if match:
            return f"PEEL {_cycle(text, _format_year(match.group(1), match.group(2)))}"
    year = _title_year(text)
    if year and re.search(r"\bPEEL\b", text):
        return f"PEEL {_cycle(text, year)}"
    return None


def _title_year(text: str) -> str | None:
    """The year of a force page titled "<Place> <year>" ("Kent 2015", "Durham 2018/19")."""
    places = "|".join(_force_pattern(name.rsplit(" ", 1)[0]) for name in FORCES)
    for line in text[:2000].split("\n")[:25]:
        match = re.fullmatch(
            rf"\s*(?:Read more about\s+)?(?:{places}|Metropolitan)\s+" + YEAR + r"\s*",
            line,
        )
        if match:
            return _format_year(match.group(1), match.group(2))
    return None


def _cycle(text: str, year: str) -> str:
    """The PEEL cycle a year names: "2018" is the 2018/19 integrated assessment, which the
    inspectorate's pages call "PEEL 2018"; other single years are cycles of their own unless the
    report says it inspected "in 2018/19"."""
    if "/" in year or "–" in year:
        return year
    if year == "2018":
        return "2018/19"
    return _programme_span(text, year)


def _format_year(start: str, end: str | None) -> str:
    if not end:
        return start
    end_short = int(end[-2:])
    span = (end_short - int(start[-2:])) % 100
    if span == 1:
        return f"{start}/{end_short:02d}"
    return f"{start}–{end_short:02d}"


def _programme_span(text: str, year: str) -> str:
    """Turn "2017" into "2017/18" when the report says it inspected "in 2017/18"."""
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
