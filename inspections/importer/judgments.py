"""Graded judgments: pillar and question grades and the year each was last inspected."""

import re

from .layout import Unit, _is_headingish
from .metadata import _format_year, _programme_year
from .vocabulary import (
    GRADE_WORDS,
    NEUTRAL_HEADINGS,
    PILLARS,
    _grade_label,
    _is_grade,
    _is_question,
    _known_heading,
    _pillar_of_question,
    _question_of,
    _questions_in,
)
from .wording import _capitalise


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


class _JudgmentReader:
    """Finds graded judgments in headings followed by grades, summary tables and sentences."""

    def __init__(self, units: list[Unit], modern: bool, programme_year: str | None):
        self.units = units
        self.modern = modern
        self.programme_year = programme_year
        self.found: dict[tuple[str | None, str | None], dict] = {}
        self.order: list[tuple[str | None, str | None]] = []
        self.section_headings: dict[int, str] = {}
        self.carried_notes: dict[str, str] = {}
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
            question = (
                _question_of(text, self.programme_year)
                if _is_headingish(unit) or _is_question(text)
                else None
            )
            if question:
                self.section_headings[index] = question.section
                carried = self._carried_over(index)
                if carried:
                    # "This question was not subject to detailed inspection in 2018/19, and our
                    # judgment from the 2017 legitimacy inspection has been carried over."
                    self.carried_notes[question.name] = carried
            elif NEUTRAL_HEADINGS.match(text):
                self.section_headings[index] = ""
        self._sentence_pillars()
        self._sentence_grades()
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

    def _headline_of(self, index: int) -> str | None:
        """The pillar whose headline question is the heading at index: the heading just under a
        pillar's name ("Effectiveness" / "How well the force tackles crime")."""
        if index == 0 or self.modern or _is_question(self.units[index].text):
            return None
        above = self.units[index - 1].text
        if above in PILLARS and _is_headingish(self.units[index]):
            return above
        return None

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
        named_pillar = self._pillar_heading(text) or self._headline_of(heading_index)
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
        question = _question_of(text, self.programme_year)
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
                rf"(.{{3,110}}?)(?:\s+|\s*[–—:-]\s*)({GRADE_WORDS})"
                r"(?:\s+((?:19|20)\d\d/\d\d))?(\s+last inspected)?",
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
        question = _question_of(name, self.programme_year)
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
        for unit in self._graded_units():
            for sentence in _sentences_of(unit.text):
                found = _pillar_sentence(sentence)
                if found and found[0] not in have:
                    have.add(found[0])
                    self._add(found[0], None, found[1], None)

    def _has_pillar(self, pillar: str) -> bool:
        return (pillar, None) in self.found

    def _graded_units(self) -> list[Unit]:
        """The units whose sentences may grade: not the inspector's own observations, which
        comment on the grades in their own words."""
        units = []
        commentary = False
        for unit in self.units:
            text = unit.text
            if COMMENTARY_HEADING.fullmatch(text):
                commentary = True
                continue
            if commentary and (
                _is_question(text) or text in PILLARS or _is_grade(text) or unit.table
            ):
                commentary = False
            if not commentary:
                units.append(unit)
        return units

    def _sentence_grades(self) -> None:
        """2014 to 2018/19 pages grade questions in sentences: "Kent Police is good at
        investigating crime and reducing re-offending.", "The constabulary is judged to be good in
        its understanding of demand; its use of resources ... is assessed to be good", and carry
        earlier grades over in them: "In 2016, we judged the force to be good at preventing crime
        ...". The first sentence under a pillar's headline question grades the pillar."""
        if self.modern:
            return
        units = self._graded_units()
        headline: str | None = None  # the pillar whose headline question was the last heading
        first = False  # whether the next paragraph is the first under that heading
        for position, unit in enumerate(units):
            text = unit.text
            pillar = self._pillar_heading(text)
            if pillar and _is_question(text):
                headline, first = pillar, True
                continue
            if _is_question(text) or text in PILLARS or _is_grade(text) or unit.table:
                headline, first = None, first and _is_grade(text)
                continue
            if re.match(r"(last updated|updated|published)\b", text, re.I):
                continue
            sentences = _sentences_of(text)
            carried = CARRIED_NOTICE.search(text)
            for number, sentence in enumerate(sentences):
                bullets = []
                if sentence.endswith(":") and number == len(sentences) - 1:
                    bullets = [u.text for u in _bullets_after(units, position)]
                grades = _sentence_question_grades(sentence, bullets, self.programme_year)
                if first and headline and number == 0 and not self._has_pillar(headline):
                    # The opening sentence under a pillar's headline question grades the pillar,
                    # unless it names one of its questions ("... is outstanding at preventing
                    # crime and prioritising crime prevention").
                    grade = _grade_in(sentence)
                    if grade and len({question.name for question, *_ in grades}) != 1:
                        self._add(headline, None, grade, None)
                        continue
                for question, grade, year in grades:
                    if year is None and carried:
                        # "... is good at treating its workforce fairly. This question was not
                        # subject to detailed inspection ..., and our judgment from the 2017
                        # legitimacy inspection has been carried over."
                        year = _normalise_year(carried.group(1))
                    self._add(question.pillar, question.name, grade, year)
            first = False

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
            if not judgment["last_inspected"] and judgment["question"] in self.carried_notes:
                judgment["last_inspected"] = self.carried_notes[judgment["question"]]
            if not judgment["last_inspected"]:
                judgment["last_inspected"] = self.programme_year
        rank = {pillar: index for index, pillar in enumerate(PILLARS)}
        return sorted(
            judgments,
            key=lambda j: (rank.get(j["pillar"], len(PILLARS)), j["question"] is not None),
        )


COMMENTARY_HEADING = re.compile(r"(?:HMI['’]?s|HM Inspector['’]?s) (?:observations|summary)", re.I)
GRADE = r"(outstanding|good|adequate|inadequate|requires improvement)"
# "is good at", "is also judged to be good at", "we judged the force as being good at",
# "and good at", "requires improvement in": a grade and the activity it grades.
GRADE_AT = re.compile(
    r"\b(?:is|are|was|remains|be|being|as|and)\s+(?:(?:also|now|still)\s+)*"
    r"(?:(?:judged|assessed|graded)\s+(?:to\s+be|as(?:\s+being)?)\s+)?"
    + GRADE
    + r"\s+(?:at|in)\b(?!\s+respect\b)|\b(requires improvement)\s+(?:at|in)\b(?!\s+respect\b)",
    re.I,
)
# "its use of resources to manage demand is assessed to be good"
# "its use of resources to manage demand is assessed to be good", "but its planning for future
# demand is judged to require improvement", "the way it tackles serious and organised crime
# requires improvement": the activity first, then its grade.
CLAUSE_GRADE = re.compile(
    r"^(?:(?:and|but|however),?\s+)?(?:its|the (?:force|constabulary)['’]s|"
    r"the way (?:it|the force|the constabulary))\s+(.{3,120}?)\s+"
    r"(?:is\s+(?:also\s+)?(?:judged|assessed)\s+to\s+(?:be\s+" + GRADE + r"|(require improvement))"
    r"|(requires improvement))\b",
    re.I,
)
CARRIED_NOTICE = re.compile(
    r"judgment from (?:the |our )?((?:19|20)\d\d(?:/\d\d)?)\b[^.]{0,60}?carried (?:over|forward)",
    re.I,
)
SUBJECT = re.compile(r"\b(?:force|constabulary|police|it)\b", re.I)
CARRIED = re.compile(r"^in\s+((?:19|20)\d\d(?:/\d\d)?),?\s+we\s+(?:judged|assessed|graded)\b", re.I)


def _sentences_of(text: str) -> list[str]:
    return [part for part in re.split(r"(?<=[.!?])\s+", text.strip()) if part]


def _grade_in(sentence: str) -> str | None:
    """The grade a sentence gives its subject, when it names the force and gives one."""
    match = GRADE_AT.search(sentence)
    if not match or not SUBJECT.search(sentence[: match.start()]):
        return None
    if _other_year(sentence, None):
        return None
    return _grade_label(match.group(1) or match.group(2))


def _other_year(sentence: str, programme_year: str | None) -> bool:
    """Whether a sentence reports an earlier inspection rather than this one."""
    lowered = sentence.lower()
    if re.search(r"\blast year|\bprevious|\bsince our\b|\bearlier\b", lowered):
        return True
    own = (programme_year or "")[:4]
    return any(year != own for year in re.findall(r"\b(?:19|20)\d\d\b", sentence))


def _bullets_after(units: list[Unit], position: int) -> list[Unit]:
    found = []
    for unit in units[position + 1 :]:
        if not unit.bullet:
            break
        found.append(unit)
    return found


def _sentence_question_grades(
    sentence: str, bullets: list[str], programme_year: str | None
) -> list[tuple]:
    """(question, grade, last inspected) for each question a sentence grades."""
    text = sentence.strip()
    carried = CARRIED.match(text)
    year = None
    if carried:
        year = _normalise_year(carried.group(1))
    elif _other_year(text, programme_year):
        return []
    results = []
    for clause in re.split(r";\s*", text):
        clause_match = CLAUSE_GRADE.match(clause.strip())
        if clause_match:
            word = clause_match.group(2) or clause_match.group(3) or clause_match.group(4)
            grade = _grade_label(word.replace("require ", "requires "))
            for question in _questions_in(clause_match.group(1), programme_year):
                results.append((question, grade, year))
            continue
        anchors = list(GRADE_AT.finditer(clause))
        if not anchors or not SUBJECT.search(text[: text.find(clause) + anchors[0].start()]):
            continue
        for number, anchor in enumerate(anchors):
            end = anchors[number + 1].start() if number + 1 < len(anchors) else len(clause)
            phrase = clause[anchor.end() : end]
            phrases = [phrase]
            if not phrase.strip(" .:") and bullets:
                phrases = bullets  # "we assessed the force as good at:" and a list
            grade = _grade_label(anchor.group(1) or anchor.group(2))
            for each in phrases:
                for question in _questions_in(each, programme_year):
                    results.append((question, grade, year))
    return results


def _pillar_sentence(sentence: str) -> tuple[str, str] | None:
    lowered = sentence.lower().strip()
    # "In 2017/18, we judged the force to be good at ..." reports an earlier year.
    if re.match(r"in (19|20)\d\d", lowered) or "we judged" in lowered or "last year" in lowered:
        return None
    extent = re.match(
        r"the extent to which\b(.*?)(?:\s+is)?:?\s*"
        r"(outstanding|good|adequate|inadequate|requires improvement|not yet graded)\.?$",
        lowered,
    )
    if extent:
        if extent.group(2) == "not yet graded":
            return None
        topic = extent.group(1)
        for pillar, words in (
            ("Legitimacy", r"legitima"),
            ("Efficiency", r"efficien"),
            ("Effectiveness", r"effective"),
        ):
            if re.search(words, topic):
                return pillar, _grade_label(extent.group(2))
        return None
    with_which = re.match(
        r"the (effectiveness|efficiency|legitimacy) with which\b.*?\bis\s+"
        r"(outstanding|good|adequate|inadequate|requires improvement)\b",
        lowered,
    )
    if with_which:
        return with_which.group(1).capitalize(), _grade_label(with_which.group(2))
    subject = (
        r"^(?:overall,\s+)?(?:(?:[A-Z][\w'’-]*|and|of|&)\s+){0,7}?"
        r"(?:constabulary|police|force)(?:['’]s \w+)?"
    )
    verb = (
        r"(?:is|was|remains)(?:\s+(?:now|also|still))*"
        r"(?:\s+(?:judged|assessed)\s+(?:to be|as))?|has been (?:judged|assessed) (?:to be|as)"
    )
    match = re.search(
        subject
        + r"\s+(?:"
        + verb
        + r")\s+(outstanding|good|adequate|inadequate|requires improvement)\b"
        r"|" + subject + r"\s+(requires improvement)\b"
        r"|^(?:overall,\s+)?(?:hmic|hmicfrs|we)\s+judges?\s+.{3,80}?\s+as\s+"
        r"(outstanding|good|adequate|inadequate|requires improvement)\b",
        sentence.strip(),
        re.I,
    )
    if not match:
        return None
    grade = _grade_label(match.group(1) or match.group(2) or match.group(3))
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
