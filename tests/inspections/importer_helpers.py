"""Shared by the importer tests: the sample reports, their answer key and small readers."""

import json
from pathlib import Path

from inspections.importer import parse_report_file

SAMPLES = Path(__file__).resolve().parents[2] / "inspections" / "sample_data"
REPORT_TXT = SAMPLES / "avon-and-somerset-peel-2018-19.txt"
REPORT_HTML = SAMPLES / "avon-and-somerset-peel-2018-19.html"
REPORT_PDF = SAMPLES / "avon-and-somerset-peel-2018-19.pdf"
# ../shared/seeds beside the clone, as CI lays it out.
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
WEB_TXT = SEEDS / "peel-2018-19-avon-and-somerset-web.txt"


# The answer key as held in ../shared/seeds, kept here so the tests also run without it.
FALLBACK_KEY = {
    "force": "Avon and Somerset Constabulary",
    "programme": "PEEL 2018/19",
    "published": "2020-02",
    "pillars": [
        {"pillar": "Effectiveness", "grade": "Good"},
        {"pillar": "Efficiency", "grade": "Outstanding"},
        {"pillar": "Legitimacy", "grade": "Good"},
    ],
    "judgments": [
        ["Effectiveness", "Preventing crime and tackling anti-social behaviour", "Good", "2017/18"],
        ["Effectiveness", "Investigating crime", "Good", "2017/18"],
        ["Effectiveness", "Protecting vulnerable people", "Good", "2018/19"],
        ["Effectiveness", "Tackling serious and organised crime", "Good", "2017/18"],
        ["Effectiveness", "Armed response capability", "Ungraded", "2018/19"],
        ["Efficiency", "Meeting current demands and using resources", "Outstanding", "2017/18"],
        ["Efficiency", "Planning for the future", "Outstanding", "2018/19"],
        ["Legitimacy", "Fair treatment of the public", "Good", "2018/19"],
        ["Legitimacy", "Ethical and lawful workforce behaviour", "Good", "2018/19"],
        ["Legitimacy", "Fair treatment of the workforce", "Good", "2017/18"],
    ],
    "areas_for_improvement": [
        ["Treating the public fairly", "The constabulary should continue with its plans to "
         "ensure effective monitoring of a comprehensive dataset on the use of force"],
        ["Treating the public fairly", "The constabulary should continue with its plans to "
         "ensure effective monitoring of a comprehensive dataset on stop and search"],
        ["Ethical and lawful workforce behaviour", "The force should ensure all staff have "
         "received at least the lowest level of vetting clearance"],
        ["Ethical and lawful workforce behaviour", "The force should monitor vetting decisions "
         "to identify disparities and disproportionality"],
        ["Ethical and lawful workforce behaviour", "The force should ensure it has a "
         "counter-corruption strategic threat assessment and control strategy"],
        ["Ethical and lawful workforce behaviour", "The force should ensure it has enough "
         "capability and capacity in its counter-corruption unit"],
    ],
    "causes_of_concern": [],
    "recommendations": [
        ["Armed policing", "We recommend that the force reviews operational debriefing procedures"]
    ],
    "other_improvement_points_worth_capturing": [
        ["Armed policing", "The designated chief officer should however review the register"],
        ["Armed policing", "the force had not published its own APSTRA"],
        ["Armed policing", "it would benefit from stronger analysis and intelligence of armed"],
        ["Armed policing", "it includes details of how rapidly armed response vehicles"],
        ["Treating the public fairly", "The constabulary needs to carry out another review"],
    ],
}  # fmt: skip


def answer_key() -> dict:
    """The answer key, from the shared seeds when present, in one shape either way."""
    path = SEEDS / "peel-2018-19-avon-and-somerset.expected.json"
    if not path.exists():
        return FALLBACK_KEY
    key = json.loads(path.read_text(encoding="utf-8"))

    def pairs(items):
        return [[item["section"], item["starts_with"]] for item in items]

    return {
        **key,
        "judgments": [
            [j["pillar"], j["question"], j["grade"], j["last_inspected"]] for j in key["judgments"]
        ],
        "areas_for_improvement": pairs(key["areas_for_improvement"]),
        "causes_of_concern": pairs(key["causes_of_concern"]),
        "recommendations": pairs(key["recommendations"]),
        "other_improvement_points_worth_capturing": pairs(
            key["other_improvement_points_worth_capturing"]
        ),
    }


def of_kind(result: dict, kind: str) -> list[dict]:
    return [finding for finding in result["findings"] if finding["kind"] == kind]


def pillar_grades(result: dict) -> dict:
    return {j["pillar"]: j["grade"] for j in result["judgments"] if j["question"] is None}


def question_rows(result: dict) -> list[list]:
    return [
        [j["pillar"], j["question"], j["grade"], j["last_inspected"]]
        for j in result["judgments"]
        if j["question"] is not None
    ]


def assert_findings_match(findings: list[dict], expected: list[list]) -> None:
    assert len(findings) == len(expected)
    for finding, (section, starts_with) in zip(findings, expected, strict=True):
        assert finding["section"] == section
        assert finding["text"].casefold().startswith(starts_with.casefold())


def parse_text(text: str) -> dict:
    return parse_report_file(text.encode("utf-8"), "report.txt")


# 2014 to 2018/19 layouts ---------------------------------------------------------------------

PEEL_2016 = """PEEL: Police effectiveness 2016
An inspection of Cleveland Police

How effective is the force at keeping people safe and reducing crime?

Requires improvement

Cleveland Police requires improvement at keeping people safe and reducing crime.

How effective is the force at preventing crime, tackling anti-social behaviour and keeping people safe?

Good

Areas for improvement

• The force should improve how it evaluates its problem-solving work.
• The force should make sure neighbourhood officers are not routinely taken away from their
  neighbourhood duties.

How effective is the force at protecting those who are vulnerable from harm, and supporting victims?

Inadequate

Cause of concern

The force is not consistently identifying vulnerable victims at first contact, and its response to missing children is not good enough.

Recommendations

HMIC recommends that within six months the force should:

• review how call handlers assess risk;
• make sure all missing children are risk-assessed properly; and
• improve supervision of investigations involving vulnerable victims.

How effective is the force at tackling serious and organised crime?

Good

This question was not subject to inspection in 2016, and our judgment from the 2015 effectiveness inspection has been carried over.

How effective are the force's specialist capabilities?

Ungraded

We recommend that the force reviews its armed policing threat assessment. This will help it plan.

March 2017 | © HMIC 2017 | ISBN: 978-1-78655-000-0
"""  # noqa: E501


# 2021 onwards --------------------------------------------------------------------------------

PEEL_2021 = """PEEL 2021/22
Police effectiveness, efficiency and legitimacy
An inspection of Cleveland Police
Published on 12 May 2022

Investigating crime

Inadequate

Cause of concern

The force isn't investigating crime effectively. Too many investigations are not supervised.

Recommendations

• The force should immediately:agree a plan to reduce the number of open investigations.
• Within three months, the force should make sure that supervisors review all investigations.
• By 31 March 2023, the force should train all investigators in victim care.

Area for improvement

The force should make sure it records why victims withdraw support for investigations.

The force has improved its use of out-of-court disposals since our last inspection.

Responding to the public

Requires
improvement

Accelerated cause of concern

Our inspection found:

"The force is not answering emergency calls quickly enough, so people in danger wait too long."

Recommendations

Within three months, the force should:

• make sure it has enough call handlers to answer 999 calls within ten seconds; and
• review how it prioritises calls for service.

Protecting vulnerable people

Good

The force is good at protecting vulnerable people. It should keep up its work with partners.

Leadership and force management

Adequate
"""
