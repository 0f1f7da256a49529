"""Findings: areas for improvement, causes of concern and recommendations, and what is skipped.

A finding's "text" is always a contiguous passage of the source, in its own words: only
whitespace and list markers are normalised, and the list punctuation that joins a part to the
next ("; and") is left off. Nothing is capitalised, joined or reworded.

A stem followed by parts ("Within three months, the force should:" then "• review X;" and
"• train Y.") gives one finding per part: its text is the part ("review X") and the stem goes in
"stem" (the page shows both). So does a lead-in before a list of causes of concern ("...,
which were that the force:" then "• was failing to ..."), and a stem with its parts run on in
one paragraph ("forces should: ensure ... . have ... ."). A timescale ("within three months",
"by 31 March 2023", "not later than 31 March 2015") is copied into "timescale" and stays in the
text or stem it came from.

Recommendations addressed to forces in general ("All forces should", "By July 2021, forces
should", "chief constables should") are national recommendations, with the addressee in
"addressee"; those addressed to other bodies (the Home Office, the College of Policing) are not
a force's findings and are listed as skipped.

Anything read as a possible finding but not imported is listed in "skipped" with the reason,
so a coordinator can check it in the import preview.
"""

import re

from .layout import Unit, _is_headingish
from .vocabulary import (
    ACHIEVED,
    ADDRESSEE,
    AFI_HEADING,
    CAUSE_LEAD_IN,
    COC_HEADING,
    DIRECTIVE,
    IMPERATIVE,
    LIST_ITEM_END,
    NARRATIVE_SHOULD,
    NATIONAL_ADDRESSEE,
    NEUTRAL_HEADINGS,
    OTHER_ADDRESSEE,
    OTHER_STEM,
    PAST_RECOMMENDATION,
    PILLARS,
    REC_HEADING,
    RECOMMEND_SENTENCE,
    TIMESCALE,
    _is_grade,
    _is_standalone,
    _known_heading,
)
from .wording import (
    _normalised,
    _sentences,
    _strip_part,
    _theme,
    _timescale,
)

# A letter from the inspectorate ("Letter information", "Sent on"): the causes of concern and
# recommendations it restates are the work it follows up, not context.
LETTER_LINE = re.compile(r"(letter information|sent on:?(?:\s.*)?)", re.I)
# "In 2017, we identified two areas for improvement:" introduces an earlier year's findings.
EARLIER_FINDINGS = re.compile(
    r"^in (?:our )?(?:19|20)\d\d\b[^:]*\b(?:identified|made|found|raised|gave)\b[^:]*"
    r"\b(?:areas? for improvement|recommendations?|causes? of concern)\b",
    re.I,
)
# "Our cause of concern regarding investigations had eight recommendations:" introduces them.
RECOMMENDATIONS_INTRO = re.compile(r"\brecommendations?\b[^.]*:$", re.I)
# The subject and verb of a directive sentence: "The force should", "The constabulary must".
FORCE_DIRECTIVE = re.compile(
    r"^(?:the|its)\s+(?:force|constabulary)\s+(?:\w+\s+){0,2}?(?:should|must|needs?\s+to)\b",
    re.I,
)


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
        self.seen: dict[tuple[str, str, str], int] = {}
        self.letter = any(LETTER_LINE.fullmatch(unit.text) for unit in units[:60])
        # A document that sets out its causes of concern under their own headings only
        # summarises them in a lead-in list elsewhere.
        self.cause_headings = any(
            not unit.bullet and COC_HEADING.fullmatch(unit.text) for unit in units
        )

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
            if cause and _is_topic(cause.group(2)):
                # "Cause of concern: responding to the public" names what the cause is about.
                self.section = cause.group(2).strip()
                self.open_cause = None
                following = index + 1
                if following < len(self.units) and not self._ends_block(self.units[following]):
                    return self._causes(index, inline="")
                return following
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
                # Areas run together in one paragraph: "The force should ... The force should".
                for offset, sentence in _directive_sentences(unit.text) if plural else []:
                    self._add_unit("area_for_improvement", unit, text=sentence, offset=offset)
                    taken += 1
                if not plural or not _directive_sentences(unit.text):
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
            or RECOMMENDATIONS_INTRO.search(unit.text)
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
                self._add_directive(unit, text, "recommendation", parent=parent)
                taken += 1
                continue
            if RECOMMENDATIONS_INTRO.search(unit.text) and not DIRECTIVE.search(unit.text):
                # "Our cause of concern ... had eight recommendations:" introduces the list.
                position += 1
                continue
            if _is_headingish(unit) or not (
                DIRECTIVE.search(unit.text) or TIMESCALE.match(unit.text)
            ):
                break
            if PAST_RECOMMENDATION.search(unit.text):
                break
            self._add_directive(unit, unit.text, "recommendation", parent=parent)
            taken += 1
            position += 1
        if not taken:
            self.warnings.append(
                f"'{self.units[index].text}' on line {self.units[index].line} "
                "is not followed by any recommendation."
            )
        self.open_cause = None
        return position

    def _add_directive(self, unit: Unit, text: str, kind: str, parent: int | None) -> None:
        """One recommendation, or one per part when its stem and parts share the unit."""
        inline = _inline_parts(text)
        if not inline:
            self._add_unit(kind, unit, text=text, parent=parent)
            return
        stem, parts = inline
        for offset, part in parts:
            self._add_unit(
                kind,
                unit,
                text=part,
                parent=parent,
                timescale=_timescale(part) or _timescale(stem),
                stem=stem,
                offset=offset,
            )

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
                text=_strip_part(text),
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
        """Free-text recommendations, national recommendations, lead-ins to lists of causes of
        concern or recommendations, and descriptive lists inside ordinary paragraphs."""
        unit = self.units[index]
        text = unit.text
        sentences = _sentences(text)
        last_offset, last_sentence = sentences[-1] if sentences else (0, text)
        national = self._national(index)
        if national is not None:
            return national
        if re.fullmatch(r"our inspection found:?", text, re.I) and index + 1 < len(self.units):
            quoted = self.units[index + 1]
            if quoted.text[:1] in "“\"'‘":
                # A letter or summary quoting the cause of concern it follows up.
                self.open_cause = self._add_unit("cause_of_concern", quoted)
                return index + 2
        if text.endswith(":") and CAUSE_LEAD_IN.search(last_sentence):
            return self._cause_list(index, last_sentence)
        if text.endswith(":") and PAST_RECOMMENDATION.search(last_sentence):
            parts, following = self._parts(index)
            if self.letter and parts:
                # A letter restates the recommendations it follows up.
                for part, part_text in parts:
                    self._add_unit(
                        "recommendation",
                        part,
                        text=_strip_part(part_text),
                        parent=self.open_cause,
                        timescale=_timescale(part_text) or _timescale(last_sentence),
                        stem=last_sentence,
                    )
                return following
            for part, _part_text in parts:
                self._skip(part, "earlier recommendation quoted for context, not a finding")
            return max(following, index + 1)
        if (
            text.endswith(":")
            and self._is_stem(last_sentence)
            and DIRECTIVE.search(last_sentence)
            and (
                self.open_cause is not None
                or TIMESCALE.search(last_sentence)
                or re.search(r"\brecommend", last_sentence, re.I)
            )
            and not RECOMMEND_SENTENCE.search(last_sentence)
        ):
            # The stem of a cause of concern's recommendations, or one with a deadline.
            return self._stem_from(index, last_offset)
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
        if text.endswith(":") and EARLIER_FINDINGS.search(last_sentence):
            # "In 2017, we identified two areas for improvement:" quotes them for their progress.
            parts, following = self._parts(index)
            for part, _part_text in parts:
                self._skip(part, "earlier finding quoted for its progress, not a new finding")
            return max(following, index + 1)
        if (
            text.endswith(":")
            and OTHER_STEM.search(last_sentence)
            and not ACHIEVED.search(last_sentence)
        ):
            parts, following = self._parts(index)
            if not parts:
                self._missing_parts(unit)
                return index + 1
            self._narrative_points(unit, exclude={last_offset})
            for part, part_text in parts:
                self._add_unit("other", part, text=_strip_part(part_text), stem=last_sentence)
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

    def _national(self, index: int) -> int | None:
        """A recommendation to forces in general, or to another body, standing on its own."""
        unit = self.units[index]
        text = unit.text
        if OTHER_ADDRESSEE.match(text):
            self._skip(unit, f"addressed to {OTHER_ADDRESSEE.match(text).group(1)}, not to forces")
            return index + 1
        if not (NATIONAL_ADDRESSEE.match(text) and _is_directive_to_forces(text)):
            return None
        if text.endswith(":"):
            parts, following = self._parts(index)
            if not parts:
                self._missing_parts(unit)
                return index + 1
            for part, part_text in parts:
                self._add_unit(
                    "recommendation",
                    part,
                    text=_strip_part(part_text),
                    timescale=_timescale(part_text) or _timescale(text),
                    stem=text,
                )
            return following
        self._add_directive(unit, text, "recommendation", parent=None)
        return index + 1

    def _cause_list(self, index: int, lead_in: str) -> int:
        """Causes of concern listed after a lead-in ("..., which were that the force:")."""
        parts, following = self._parts(index)
        if not parts:
            return index + 1
        for part, part_text in parts:
            if self.cause_headings:
                self._skip(
                    part,
                    "summary of a cause of concern set out under its own heading, not imported "
                    "twice",
                )
                continue
            self._add_unit("cause_of_concern", part, text=_strip_part(part_text), stem=lead_in)
        return following

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
                text=_strip_part(text),
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
        if not text:
            return None
        addressee = None
        if kind == "recommendation":
            addressee = _national_addressee(stem or text)
            if addressee:
                kind = "national_recommendation"
        # A part is told apart by its stem: "review its policy" can answer two causes.
        key = (kind, _normalised(text), _normalised(stem or ""))
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
        if kind in ("recommendation", "national_recommendation") and timescale is None:
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
            finding["stem"] = " ".join(stem.split())
        if addressee:
            finding["addressee"] = addressee
        self.findings.append(finding)
        self.seen[key] = len(self.findings) - 1
        return len(self.findings) - 1


def _is_topic(inline: str) -> bool:
    """Whether the words after "Cause of concern:" name its topic rather than state it."""
    inline = inline.strip()
    return bool(inline) and (
        inline[:1].islower() and len(inline.split()) <= 10 and not inline.endswith((".", ";", ":"))
    )


def _national_addressee(text: str) -> str | None:
    """ "all forces", "forces" or "chief constables" for a recommendation to forces in general."""
    match = NATIONAL_ADDRESSEE.match(" ".join(text.split()))
    if not match or not _is_directive_to_forces(text):
        return None
    words = " ".join(match.group(1).lower().split())
    if words in ("those forces", "police forces"):
        return "forces"
    return words


def _is_directive_to_forces(text: str) -> bool:
    """Forces in general are told to act: "forces should", "forces review", "chief constables
    must" (and not "forces have improved")."""
    match = NATIONAL_ADDRESSEE.match(" ".join(text.split()))
    if not match:
        return False
    rest = text[match.end() :][:200]
    if re.search(r"\bshould\b|\bmust\b", rest.split(".")[0], re.I):
        return True
    # "We recommend, that within six months, forces review ...": a subjunctive verb.
    return bool(re.match(r"\s+[a-z]+\b", rest)) and "recommend" in text[: match.end()].lower()


def _inline_parts(text: str) -> tuple[str, list[tuple[int, str]]] | None:
    """A stem and its parts run on in one unit: "By September 2021, forces should: ensure ...
    . have ... . provide ... ." (the parts lost their bullets). One part is no list."""
    match = re.match(r"(.{3,200}?\b(?:should|must|to)(?:\s+\w+)?:)\s*(?=[a-z])", text)
    if not match or not (DIRECTIVE.search(match.group(1)) or TIMESCALE.search(match.group(1))):
        return None
    stem = match.group(1)
    parts = []
    start = match.end()
    for piece in re.finditer(r".+?(?:[.;](?=\s+[a-z])|$)", text[start:]):
        part = piece.group(0).strip()
        if part:
            parts.append((start + piece.start(), _strip_part(part)))
    if len(parts) < 2:
        return None
    return stem, parts


def _directive_sentences(text: str) -> list[tuple[int, str]]:
    """Areas for improvement run together in one paragraph, each starting "The force should":
    one per directive sentence, with any sentence that follows it kept with it."""
    sentences = _sentences(text)
    starts = [
        i for i, (_offset, sentence) in enumerate(sentences) if FORCE_DIRECTIVE.match(sentence)
    ]
    if len(starts) < 2 or starts[0] != 0:
        return []
    found = []
    for number, first in enumerate(starts):
        last = starts[number + 1] if number + 1 < len(starts) else len(sentences)
        offset = sentences[first][0]
        end = sentences[last][0] if last < len(sentences) else len(text)
        found.append((offset, text[offset:end].strip()))
    return found
