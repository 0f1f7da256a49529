"""Findings: areas for improvement, causes of concern and recommendations, and what is skipped.

A stem followed by parts ("Within three months, the force should:" then "• review X;" and
"• train Y.") gives one finding per part. Its text is the stem's subject and verb plus the
part ("The force should review X"); the timescale goes in "timescale" and the whole stem in
"stem". Parts of a descriptive stem ("there are three areas where the APSTRA could be
improved:") keep their own wording.

Anything read as a possible finding but not imported is listed in "skipped" with the reason,
so a coordinator can check it in the import preview.
"""

import re

from .layout import Unit, _is_headingish
from .vocabulary import (
    ACHIEVED,
    ADDRESSEE,
    AFI_HEADING,
    COC_HEADING,
    DIRECTIVE,
    IMPERATIVE,
    LIST_ITEM_END,
    NARRATIVE_SHOULD,
    NEUTRAL_HEADINGS,
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
    _capitalise,
    _join_part,
    _normalised,
    _sentences,
    _strip_part,
    _theme,
    _timescale,
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
