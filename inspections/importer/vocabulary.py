"""The words of a report: grades, pillars, questions, forces, themes and the patterns for them."""

import re
from dataclasses import dataclass

GRADES = ("Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate", "Ungraded")
GRADE_WORDS = r"outstanding|good|adequate|requires improvement|inadequate|ungraded|not graded"
PILLARS = ("Effectiveness", "Efficiency", "Legitimacy")
MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
MONTH_WORDS = "|".join([*MONTHS, *(month[:3] for month in MONTHS), "sept"])

FORCES = (
    "Avon and Somerset Constabulary",
    "Bedfordshire Police",
    "British Transport Police",
    "Cambridgeshire Constabulary",
    "Cheshire Constabulary",
    "City of London Police",
    "Cleveland Police",
    "Cumbria Constabulary",
    "Derbyshire Constabulary",
    "Devon and Cornwall Police",
    "Dorset Police",
    "Durham Constabulary",
    "Dyfed-Powys Police",
    "Essex Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Hampshire and Isle of Wight Constabulary",
    "Hampshire Constabulary",
    "Hertfordshire Constabulary",
    "Humberside Police",
    "Kent Police",
    "Lancashire Constabulary",
    "Leicestershire Police",
    "Lincolnshire Police",
    "Merseyside Police",
    "Metropolitan Police Service",
    "Norfolk Constabulary",
    "North Wales Police",
    "North Yorkshire Police",
    "Northamptonshire Police",
    "Northumbria Police",
    "Nottinghamshire Police",
    "South Wales Police",
    "South Yorkshire Police",
    "Staffordshire Police",
    "Suffolk Constabulary",
    "Surrey Police",
    "Sussex Police",
    "Thames Valley Police",
    "Warwickshire Police",
    "West Mercia Police",
    "West Midlands Police",
    "West Yorkshire Police",
    "Wiltshire Police",
)

THEMES = (
    ("vetting", r"\bvett(ing|ed)\b"),
    ("counter-corruption", r"corrupt|abuse (of )?(their|its|a) position|abuse of position"),
    ("use of force", r"\buses? of force\b|\btaser\b"),
    ("stop and search", r"\bstop and search\b|\bstop-and-search\b"),
    ("armed policing", r"\barmed\b|firearm|\bapstra\b|\barvs?\b"),
    ("domestic abuse", r"domestic (abuse|violence)|\bdv(pn|po)s?\b"),
    ("crime recording", r"crime recording|record(ing|s)? (of )?crimes?\b|crime data|\bncrs\b"),
    ("custody", r"\bcustody\b|\bdetainees?\b"),
    (
        "call handling",
        r"call[- ]handl|\b999\b|\b101\b|calls? for service|emergency calls|control room|"
        r"contact centre|responding to the public",
    ),
    ("vulnerability", r"vulnerab|safeguard|mental health|exploitation|missing (children|people)"),
    ("investigation", r"investigat|case files?|\bsuspects?\b|evidence"),
    ("neighbourhood policing", r"neighbourhood|anti-social behaviour|problem[- ]solving"),
    ("workforce", r"workforce|wellbeing|well-being|recruit|supervis|leadership|\bstaff\b|training"),
)


@dataclass(frozen=True)
class Question:
    """A standard PEEL question: its short name, pillar and the heading used for findings."""

    name: str
    pillar: str
    section: str
    wording: str
    headings: tuple[str, ...] = ()


# Order matters: the first question whose wording pattern matches a long question wins.
QUESTIONS = (
    Question(
        "Armed response capability",
        "Effectiveness",
        "Armed policing",
        r"\barmed\b|specialist capabilit|firearms",
        ("armed policing", "armed response capability", "firearms capability"),
    ),
    Question(
        "Protecting vulnerable people",
        "Effectiveness",
        "Protecting vulnerable people",
        r"\bvulnerable\b",
        ("protecting vulnerable people",),
    ),
    Question(
        "Tackling serious and organised crime",
        "Effectiveness",
        "Tackling serious and organised crime",
        r"serious (and|&) organised crime",
        ("tackling serious and organised crime",),
    ),
    Question(
        "Investigating crime",
        "Effectiveness",
        "Investigating crime",
        r"\binvestigat",
        ("investigating crime", "investigating crime and reducing re-offending"),
    ),
    Question(
        "Preventing crime and tackling anti-social behaviour",
        "Effectiveness",
        "Preventing crime and tackling anti-social behaviour",
        r"\bprevent\w*\b.*\b(crime|offending)\b|anti-social",
        ("preventing crime and tackling anti-social behaviour",),
    ),
    Question(
        "Planning for the future",
        "Efficiency",
        "Planning for the future",
        r"\bplanning\b|\bplans? for\b|\b(in|for) the future\b",
        ("planning for the future",),
    ),
    Question(
        "Meeting current demands and using resources",
        "Efficiency",
        "Meeting current demands and using resources",
        r"\bmeet\w*\b.*\bdemand|\bus(e|es|ing)\b.*\bresources\b",
        ("meeting current demands and using resources", "meeting current demands"),
    ),
    Question(
        "Understanding demand",
        "Efficiency",
        "Understanding demand",
        r"\bunderstand\w*\b.*\bdemand",
        ("understanding demand",),
    ),
    Question(
        "Ethical and lawful workforce behaviour",
        "Legitimacy",
        "Ethical and lawful workforce behaviour",
        r"\bethical|\blawful",
        ("ethical and lawful workforce behaviour",),
    ),
    Question(
        "Fair treatment of the workforce",
        "Legitimacy",
        "Treating the workforce fairly",
        r"\bworkforce\b.*\bfair|\bfair\w*\b.*\bworkforce\b",
        ("treating the workforce fairly", "fair treatment of the workforce"),
    ),
    Question(
        "Fair treatment of the public",
        "Legitimacy",
        "Treating the public fairly",
        r"\b(public|people it serves)\b.*\bfair|\bfair\w*\b.*\b(public|people it serves)\b",
        ("treating the public fairly", "fair treatment of the public"),
    ),
)

# PEEL 2014 asked different effectiveness questions; they apply only to 2014 reports.
QUESTIONS_2014 = (
    Question(
        "Reducing crime and preventing offending",
        "Effectiveness",
        "Reducing crime and preventing offending",
        r"\breduc\w* crime and prevent\w* offending",
    ),
    Question(
        "Investigating offending",
        "Effectiveness",
        "Investigating offending",
        r"\binvestigat\w* offending",
    ),
    Question(
        "Tackling anti-social behaviour",
        "Effectiveness",
        "Tackling anti-social behaviour",
        r"\btackl\w* anti-social behaviour",
    ),
)


def _questions_for(year: str | None) -> tuple[Question, ...]:
    return QUESTIONS_2014 if year == "2014" else QUESTIONS


# Headings that end a question's part of the report, so findings after them have no section.
NEUTRAL_HEADINGS = re.compile(
    r"^(contents|overall summary|force in context|introduction|about (this|the) (report|data)|"
    r"annex\b.*|appendix\b.*|methodology|hm inspector'?s observations|our judgments|"
    r"what this report contains|how does the force compare with similar forces\?)$",
    re.I,
)

BULLET_CHARS = "•●▪■◦‣∙○\uf0b7\uf0a7"
BULLET_START = re.compile(
    rf"^(?:[{BULLET_CHARS}]\s*|[-–*+]\s+|\(?(?:\d{{1,2}}|[a-z]|i{{1,3}}|iv|vi{{0,3}})[.)]\s+)"
)
INLINE_BULLET = re.compile(rf"\s+[{BULLET_CHARS}]\s*(?=\S)")
LINK = re.compile(r"\[([^\]\n]*)\]\([^)\s]*\)")
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
TERMINAL = (".", "!", "?", ":", ";", ".”", ".'", '."', ".’")
LIST_ITEM_END = re.compile(r"(;|;\s*(and|or)|,\s*and)$")
NUMBER_WORDS = (
    r"\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|"
    r"twenty-four"
)
DATE = r"(?:\d{1,2}(?:st|nd|rd|th)? )?(?:" + MONTH_WORDS + r")\.? \d{4}"
TIMESCALE = re.compile(
    r"\b(immediately|with immediate effect|within (?:the next )?(?:"
    + NUMBER_WORDS
    + r") (?:days?|weeks?|months?|years?)|by (?:the end of )?"
    + DATE
    + r"|not later than "
    + DATE
    + r")\b",
    re.I,
)
DIRECTIVE = re.compile(r"\b(should|must|needs? to|ought to|is required to|recommends?)\b", re.I)
IMPERATIVE = re.compile(
    r"^(ensure|make sure|review|improve|develop|introduce|establish|implement|consider|"
    r"put in place|work with|provide|carry out|assess|monitor|reduce|increase|train)\b",
    re.I,
)
ACHIEVED = re.compile(
    r"\b(has|have) (now )?(made|introduced|improved|addressed|completed|implemented|established|"
    r"taken|achieved)\b|\balready\b|\bsince our (last|previous)\b",
    re.I,
)
AFI_HEADING = re.compile(r"^(areas?) for improvement(?:\s+\d{1,2})?\s*:?\s*(.*)$", re.I)
COC_HEADING = re.compile(
    r"^((?:accelerated )?causes? of concern)(?:\s+\d{1,2})?\s*:?\s*(.*)$", re.I
)
REC_HEADING = re.compile(r"^recommendations?(?:\s+\d{1,2})?\s*:?\s*(.*)$", re.I)
RECOMMEND_SENTENCE = re.compile(
    r"\b(we|hmic|hmicfrs|hm inspectorate[\w ,]*?|the inspectorate)\s+"
    r"(?:(?:also|therefore|further|now|strongly|would)\s+)*(recommends?),?\s+that\b",
    re.I,
)
# Whom a free-text recommendation is for: "... recommend that, within three months, the force".
ADDRESSEE = re.compile(
    r"recommends?,?\s+that\b[^.;:]{0,40}?\b(force|forces|constabulary|chief constable|"
    r"chief officers?|police and crime commissioner|pcc|police|service)\b",
    re.I,
)
# Recommendations to forces in general, from national thematic reports and the register:
# "All forces should ...", "By July 2021, forces should ...", "chief constables should ...",
# "Not later than 31 March 2015 those forces using ..., should ...",
# "We recommend, that within six months, forces review ...".
NATIONAL_ADDRESSEE = re.compile(
    r"^(?:(?:by|not later than|within|immediately|with immediate effect)\b[^,]{0,40},?\s+)?"
    r"(?:we\s+(?:also\s+)?recommend,?\s+that,?\s+(?:(?:by|within)\b[^,]{0,40},\s+)?)?"
    r"(all\s+(?:police\s+)?forces|all\s+chief\s+constables|chief\s+constables|"
    r"(?:police\s+)?forces|those\s+forces)\b",
    re.I,
)
# Bodies other than forces that national reports also address.
OTHER_ADDRESSEE = re.compile(
    r"^(?:(?:by|within)\b[^,]{0,40},\s+)?(the\s+(?:home\s+office|college\s+of\s+policing|"
    r"npcc|national\s+police\s+chiefs['’]\s+council|national\s+crime\s+agency|"
    r"independent\s+office\s+for\s+police\s+conduct|iopc|government|home\s+secretary|"
    r"ministry\s+of\s+justice|crown\s+prosecution\s+service)[^.]{0,80}?)\s+(?:should|must)\b",
    re.I,
)
# "... we identified two accelerated causes of concern, which were that the force:"
CAUSE_LEAD_IN = re.compile(
    r"\bcauses? of concern\b(?![^:]*\bclos\w*)[^:]*\b(?:identified|issued|raised)\b[^:]*:$|"
    r"\b(?:identified|issued|raised)\b[^:]*\bcauses? of concern\b(?![^:]*\bclos\w*)[^:]*:$",
    re.I,
)
PAST_RECOMMENDATION = re.compile(r"\b(recommended|made (a|the following) recommendations?)\b", re.I)
OTHER_STEM = re.compile(
    r"could be improved|could improve|could do more|should improve|needs? to improve|"
    r"\bneeds? to:$|areas? (?:where|in which|for)\b[^:]*improv",
    re.I,
)
NARRATIVE_SHOULD = re.compile(
    r"^(?:(?:however|nonetheless|but|additionally|also|in addition),?\s+)?"
    r"(?:the |its )?(?:force|constabulary|designated chief officer|chief constable|chief officers?|"
    r"it)\s+(?:(?:however|now|also|still|therefore|urgently|further|really),?\s+)*"
    r"(?:should|needs to)\b",
    re.I,
)


def _is_grade(text: str) -> str | None:
    match = re.fullmatch(
        r"(?:(?:grade|judgment|judgement|rating|overall judgment)\s*[:–-]\s*)?"
        rf"({GRADE_WORDS})\.?",
        text.strip(),
        re.I,
    )
    return _grade_label(match.group(1)) if match else None


def _grade_label(word: str) -> str:
    word = word.lower()
    if word == "not graded":
        return "Ungraded"
    return word[0].upper() + word[1:]


def _is_standalone(text: str) -> bool:
    """Headings and grades that never join onto a neighbouring line."""
    text = text.strip()
    if _is_grade(text) or text in PILLARS or _known_heading(text):
        return True
    for heading in (AFI_HEADING, COC_HEADING, REC_HEADING):
        match = heading.fullmatch(text)
        if match and not match.group(match.lastindex):
            return True
    return False


def _known_heading(text: str) -> Question | None:
    wanted = text.strip().rstrip(":").lower()
    for question in QUESTIONS:
        if wanted in question.headings or wanted == question.name.lower():
            return question
    return None


def _is_question(text: str) -> bool:
    return text.endswith("?") and bool(
        re.match(r"(how|to what extent|what|does|is|are)\b", text, re.I)
    )


def _pillar_of_question(text: str) -> str | None:
    """The pillar a pillar-level question ("How efficiently does the force ...?") asks about."""
    if not _is_question(text):
        return None
    lowered = text.lower()
    if re.match(r"how legitimate(ly)?\b", lowered):
        return "Legitimacy"
    if re.match(r"how efficient(ly)?\b", lowered) and re.search(
        r"sustainab|keep\w* people safe|\boperate\b", lowered
    ):
        return "Efficiency"
    if (
        re.match(r"how effective(ly)?\b", lowered)
        and re.search(r"\breduc\w* crime", lowered)
        and not re.search(r"prevent|vulnerable|investigat|organised|specialist", lowered)
    ):
        return "Effectiveness"
    return None


def _question_of(text: str, year: str | None = None) -> Question | None:
    if _is_question(text):
        lowered = text.lower().replace("’", "'")
        for question in _questions_for(year):
            if re.search(question.wording, lowered):
                return question
        return None
    return _known_heading(text)


def _questions_in(phrase: str, year: str | None = None) -> list[Question]:
    """Every question a phrase names: "good at investigating crime and tackling serious and
    organised crime" grades two."""
    lowered = phrase.lower().replace("’", "'")
    return [q for q in _questions_for(year) if re.search(q.wording, lowered)]
