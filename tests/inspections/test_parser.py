"""The report parser: the Avon and Somerset PEEL 2018/19 seed in each of its forms, small
hand-written texts in the layouts of other years, messy conversions and refusals."""

import io
import json
import time
from pathlib import Path

import pytest
from pypdf import PdfWriter

from inspections.importer import ReportUnreadable, extract_text, parse_report, parse_report_file

SAMPLES = Path(__file__).resolve().parents[2] / "inspections" / "sample_data"
REPORT_TXT = SAMPLES / "avon-and-somerset-peel-2018-19.txt"
REPORT_HTML = SAMPLES / "avon-and-somerset-peel-2018-19.html"
REPORT_PDF = SAMPLES / "avon-and-somerset-peel-2018-19.pdf"
SEEDS = Path("/work/shared/seeds")
WEB_TXT = SEEDS / "peel-2018-19-avon-and-somerset-web.txt"

# The answer key as held in /work/shared/seeds, kept here so the tests also run without it.
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


@pytest.fixture(scope="module")
def report_txt() -> dict:
    return parse_report_file(REPORT_TXT.read_bytes(), REPORT_TXT.name)


@pytest.fixture(scope="module")
def report_pdf() -> dict:
    return parse_report_file(REPORT_PDF.read_bytes(), REPORT_PDF.name)


@pytest.fixture(scope="module")
def report_html() -> dict:
    return parse_report_file(REPORT_HTML.read_bytes(), REPORT_HTML.name)


# The seed report -----------------------------------------------------------------------------


@pytest.mark.parametrize("form", ["report_txt", "report_pdf"])
def test_the_full_report_matches_the_answer_key(form, request):
    result = request.getfixturevalue(form)
    key = answer_key()
    assert result["force"] == key["force"]
    assert result["programme"] == key["programme"]
    assert result["published"] == key["published"]
    assert pillar_grades(result) == {p["pillar"]: p["grade"] for p in key["pillars"]}
    assert question_rows(result) == key["judgments"]
    assert_findings_match(of_kind(result, "area_for_improvement"), key["areas_for_improvement"])
    assert_findings_match(of_kind(result, "cause_of_concern"), key["causes_of_concern"])
    assert_findings_match(of_kind(result, "recommendation"), key["recommendations"])
    assert result["warnings"] == []


def test_the_sample_pdf_is_small_and_read_as_a_pdf():
    assert REPORT_PDF.stat().st_size < 1_000_000
    text, source_format = extract_text(REPORT_PDF.read_bytes(), REPORT_PDF.name)
    assert source_format == "pdf"
    assert "Areas for improvement" in text


def test_the_pdf_gives_the_same_finding_texts_as_the_report_text(report_txt, report_pdf):
    assert [f["text"] for f in report_pdf["findings"]] == [
        f["text"] for f in report_txt["findings"]
    ]


def test_page_headers_and_numbers_in_the_pdf_stay_out_of_findings(report_pdf):
    for finding in report_pdf["findings"]:
        assert "PEEL:" not in finding["text"]
        assert not any(word.isdigit() and len(word) <= 2 for word in finding["text"].split())


def test_the_armed_policing_recommendation_has_no_parent_or_timescale(report_txt):
    (recommendation,) = of_kind(report_txt, "recommendation")
    assert recommendation["parent"] is None
    assert recommendation["timescale"] is None
    assert recommendation["theme"] == "armed policing"
    assert recommendation["line"] == 377


def test_finding_lines_point_at_the_line_where_each_text_starts(report_txt):
    lines = REPORT_TXT.read_text(encoding="utf-8").split("\n")
    for finding in report_txt["findings"]:
        start = " ".join(finding["text"].split()[:4]).casefold()
        assert start in lines[finding["line"] - 1].replace("[", "").replace("](#)", "").casefold()


def test_areas_for_improvement_get_themes_from_their_wording(report_txt):
    themes = [f["theme"] for f in of_kind(report_txt, "area_for_improvement")]
    assert themes == [
        "use of force",
        "stop and search",
        "vetting",
        "vetting",
        "counter-corruption",
        "counter-corruption",
    ]


def test_the_apstra_list_comes_out_as_other_improvement_points(report_txt):
    others = of_kind(report_txt, "other")
    worth_capturing = answer_key()["other_improvement_points_worth_capturing"]
    for finding in others:
        assert any(
            finding["section"] == section
            and finding["text"].casefold().startswith(starts.casefold())
            for section, starts in worth_capturing
        )
    assert len(others) == 3


def test_improvement_points_in_narrative_are_listed_as_skipped_not_imported(report_txt):
    skipped = [s["text"] for s in report_txt["skipped"] if s["reason"].startswith("narrative")]
    assert any(text.startswith("The designated chief officer should however") for text in skipped)
    assert any(text.startswith("The constabulary needs to carry out another") for text in skipped)
    texts = [f["text"] for f in report_txt["findings"]]
    assert not any(text.startswith("The designated chief officer") for text in texts)


def test_no_narrative_sentence_becomes_a_finding(report_txt, report_pdf, report_html):
    narrative = (
        "is good at",
        "is outstanding at",
        "areas for improvement and causes of concern",
        "causes of concern",
        "We set out our detailed findings",
        "has made",
        "monitor and analyse comprehensive stop and search data",
    )
    for result in (report_txt, report_pdf, report_html):
        assert len(result["findings"]) <= 10
        for finding in result["findings"]:
            assert not any(phrase in finding["text"] for phrase in narrative)


def test_the_2017_national_stop_and_search_recommendation_is_skipped_as_context(report_txt):
    reasons = {s["text"]: s["reason"] for s in report_txt["skipped"]}
    assert reasons["take action on those; and"].startswith("earlier recommendation quoted")


def test_the_seed_parses_in_under_a_second():
    text = REPORT_TXT.read_text(encoding="utf-8")
    started = time.perf_counter()
    parse_report(text)
    assert time.perf_counter() - started < 1


# The seed's web page, as text and as saved HTML ------------------------------------------------


@pytest.fixture(scope="module")
def web_txt() -> dict:
    if not WEB_TXT.exists():
        pytest.skip("the shared web-page seed is not available")
    return parse_report_file(WEB_TXT.read_bytes(), WEB_TXT.name)


@pytest.mark.parametrize("form", ["web_txt", "report_html"])
def test_the_web_page_gives_what_its_effectiveness_section_states(form, request):
    result = request.getfixturevalue(form)
    key = answer_key()
    assert result["force"] == key["force"]
    assert result["programme"] == key["programme"]
    # The page gives only its "last updated" date, a month before the report was published.
    assert result["published"] == "2020-01"
    assert any("last updated" in warning for warning in result["warnings"])
    assert pillar_grades(result) == {"Effectiveness": "Good"}
    effectiveness = [row for row in key["judgments"] if row[0] == "Effectiveness"]
    # The page says the preventing-crime grade was carried over from "the 2016 effectiveness
    # inspection"; the report's summary table says 2017/18. Each copy is read as it stands.
    effectiveness[0] = [*effectiveness[0][:3], "2016/17"]
    assert question_rows(result) == effectiveness
    # The page holds only the Effectiveness pillar, so there are no areas for improvement.
    assert of_kind(result, "area_for_improvement") == []
    assert_findings_match(of_kind(result, "recommendation"), key["recommendations"])
    assert len(of_kind(result, "other")) == 3


def test_the_saved_web_page_is_read_as_html(report_html):
    assert report_html["source_format"] == "html"


def test_html_extraction_drops_scripts_navigation_and_footers():
    text, _ = extract_text(REPORT_HTML.read_bytes(), REPORT_HTML.name)
    assert "dataLayer" not in text
    assert "Publications" not in text
    assert "Crown copyright" not in text
    assert "Skip to content" not in text


def test_a_judgments_table_on_a_web_page_is_read_row_by_row():
    html = (
        b"<html><head><title>Kent Police PEEL 2017</title></head><body><table>"
        b"<tr><th></th><th>Grade</th><th>Last inspected</th></tr>"
        b"<tr><td>Effectiveness</td><td>Good</td><td></td></tr>"
        b"<tr><td>Investigating crime</td><td>Good</td><td>2016/17</td></tr>"
        b"<tr><td>Fair treatment of the public</td><td>Requires improvement</td>"
        b"<td>2017/18</td></tr></table></body></html>"
    )
    result = parse_report_file(html, "kent.html")
    assert pillar_grades(result) == {"Effectiveness": "Good"}
    assert question_rows(result) == [
        ["Effectiveness", "Investigating crime", "Good", "2016/17"],
        ["Legitimacy", "Fair treatment of the public", "Requires improvement", "2017/18"],
    ]


def test_html_extraction_keeps_headings_paragraphs_and_list_items_on_their_own_lines():
    html = (
        b"<html><body><h2>Areas for improvement</h2><ul><li>The force should\n   review "
        b"<a href='/x'>vetting</a>.</li><li>The force should train staff.</li></ul>"
        b"<p>Narrative.</p></body></html>"
    )
    text, source_format = extract_text(html, "page.txt")
    assert source_format == "html"
    lines = [line for line in text.split("\n") if line]
    assert lines == [
        "Areas for improvement",
        "• The force should review vetting.",
        "• The force should train staff.",
        "Narrative.",
    ]


# Question names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("wording", "name", "pillar"),
    [
        (
            "How effective is the force at preventing crime, tackling anti-social behaviour and "
            "keeping people safe?",
            "Preventing crime and tackling anti-social behaviour",
            "Effectiveness",
        ),
        (
            "How effective is the force at investigating crime and reducing re-offending?",
            "Investigating crime",
            "Effectiveness",
        ),
        (
            "How effective is the force at protecting those who are vulnerable from harm, and "
            "supporting victims?",
            "Protecting vulnerable people",
            "Effectiveness",
        ),
        (
            "How effective is the force at tackling serious and organised crime?",
            "Tackling serious and organised crime",
            "Effectiveness",
        ),
        (
            "How effective are the force's specialist capabilities?",
            "Armed response capability",
            "Effectiveness",
        ),
        (
            "How well does the force use its resources to meet its demand?",
            "Meeting current demands and using resources",
            "Efficiency",
        ),
        (
            "How well is the force planning for demand in the future?",
            "Planning for the future",
            "Efficiency",
        ),
        (
            "To what extent does the force treat all of the people it serves with fairness and "
            "respect?",
            "Fair treatment of the public",
            "Legitimacy",
        ),
        (
            "How well does the force ensure that its workforce behaves ethically and lawfully?",
            "Ethical and lawful workforce behaviour",
            "Legitimacy",
        ),
        (
            "To what extent does the force treat its workforce with fairness and respect?",
            "Fair treatment of the workforce",
            "Legitimacy",
        ),
    ],
)
def test_it_maps_long_question_wording_to_the_short_names(wording, name, pillar):
    result = parse_report(f"PEEL: Police effectiveness 2016\n\n{wording}\n\nGood\n")
    assert question_rows(result) == [[pillar, name, "Good", "2016"]]


def test_it_falls_back_to_the_heading_for_an_unknown_question():
    result = parse_report(
        "PEEL 2017\n\nLeadership\n\nHow well led is the force?\n\nGood\n"
        "\nHow effective is the force at keeping people safe and reducing crime?\n\nGood\n"
    )
    assert question_rows(result) == [[None, "How well led is the force?", "Good", "2017"]]
    assert pillar_grades(result) == {"Effectiveness": "Good"}


# 2014 to 2018/19 layouts -------------------------------------------------------------------------

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


def test_it_reads_a_2016_report_with_four_grades_and_ungraded():
    result = parse_text(PEEL_2016)
    assert result["force"] == "Cleveland Police"
    assert result["programme"] == "PEEL 2016"
    assert result["published"] == "2017-03"
    assert pillar_grades(result) == {"Effectiveness": "Requires improvement"}
    assert [row[1:3] for row in question_rows(result)] == [
        ["Preventing crime and tackling anti-social behaviour", "Good"],
        ["Protecting vulnerable people", "Inadequate"],
        ["Tackling serious and organised crime", "Good"],
        ["Armed response capability", "Ungraded"],
    ]


def test_it_reads_carried_over_judgments():
    rows = question_rows(parse_text(PEEL_2016))
    assert rows[2] == ["Effectiveness", "Tackling serious and organised crime", "Good", "2015/16"]
    assert rows[1][3] == "2016"
    web = parse_report("Investigating crime\nGood\nLast inspected 2017/18\n")
    assert question_rows(web) == [["Effectiveness", "Investigating crime", "Good", "2017/18"]]


def test_it_reads_areas_for_improvement_listed_under_a_question():
    areas = of_kind(parse_text(PEEL_2016), "area_for_improvement")
    assert [a["text"] for a in areas] == [
        "The force should improve how it evaluates its problem-solving work.",
        "The force should make sure neighbourhood officers are not routinely taken away from "
        "their neighbourhood duties.",
    ]
    assert {a["section"] for a in areas} == {"Preventing crime and tackling anti-social behaviour"}


def test_each_part_of_an_hmic_stem_becomes_a_recommendation_answering_the_cause():
    result = parse_text(PEEL_2016)
    (cause,) = of_kind(result, "cause_of_concern")
    cause_index = result["findings"].index(cause)
    recommendations = [r for r in of_kind(result, "recommendation") if r["parent"] is not None]
    assert [r["text"] for r in recommendations] == [
        "The force should review how call handlers assess risk",
        "The force should make sure all missing children are risk-assessed properly",
        "The force should improve supervision of investigations involving vulnerable victims.",
    ]
    assert {r["parent"] for r in recommendations} == {cause_index}
    assert {r["timescale"] for r in recommendations} == {"within six months"}
    assert recommendations[0]["stem"] == "HMIC recommends that within six months the force should:"


def test_it_reads_a_free_text_recommendation_sentence_without_its_narrative():
    result = parse_text(PEEL_2016)
    free = [r for r in of_kind(result, "recommendation") if r["parent"] is None]
    assert [r["text"] for r in free] == [
        "We recommend that the force reviews its armed policing threat assessment."
    ]
    assert free[0]["section"] == "Armed policing"


def test_stem_parts_ending_in_semicolons_without_bullets_are_split():
    result = parse_text(
        "PEEL 2014\nAn inspection of Kent Police\n\nRecommendations\n"
        "HMIC recommends that within six months the force should:\n"
        "develop a plan to reduce its backlog of crime files;\n"
        "train supervisors in the use of THRIVE; and\n"
        "publish its stop and search data every month.\n\n"
        "Annex A\n"
    )
    findings = result["findings"]
    assert [f["text"] for f in findings] == [
        "The force should develop a plan to reduce its backlog of crime files",
        "The force should train supervisors in the use of THRIVE",
        "The force should publish its stop and search data every month.",
    ]
    assert [f["line"] for f in findings] == [6, 7, 8]
    assert {f["timescale"] for f in findings} == {"within six months"}


def test_improvements_already_made_are_not_areas_for_improvement():
    result = parse_text(
        "PEEL 2017\nAn inspection of Dorset Police\n\nInvestigating crime\n\nGood\n\n"
        "Areas for improvement\n\n"
        "• The force has introduced a new crime recording system.\n"
        "• The force should make sure victims are updated regularly.\n"
    )
    assert [f["text"] for f in result["findings"]] == [
        "The force should make sure victims are updated regularly."
    ]
    assert result["skipped"][0]["reason"] == "improvement already made, not a finding"


PEEL_2017_CAUSES = """PEEL: Police effectiveness 2017 – Gwent Police

How effective is the force at protecting those who are vulnerable from harm, and supporting victims?

Requires improvement

Cause of concern

Gwent Police is not assessing risk well enough when people first contact it.

To address this cause of concern, we recommend that the force should immediately:

• review its call-handling processes;
• train all call handlers in THRIVE; and
• audit the quality of risk assessments each month.

Causes of concern

• The force does not manage registered sex offenders well enough.
• The force has a backlog of digital devices awaiting examination.

Legitimacy

We recommend that the force publishes its stop and search data. We also recommend that the force reviews its use of Taser, e.g. by dip-sampling body-worn video.
"""  # noqa: E501


def test_a_recommendation_stem_in_a_paragraph_answers_the_cause_above_it():
    result = parse_text(PEEL_2017_CAUSES)
    findings = result["findings"]
    assert findings[0]["kind"] == "cause_of_concern"
    assert [(f["text"], f["parent"], f["timescale"]) for f in findings[1:4]] == [
        ("The force should review its call-handling processes", 0, "immediately"),
        ("The force should train all call handlers in THRIVE", 0, "immediately"),
        ("The force should audit the quality of risk assessments each month.", 0, "immediately"),
    ]


def test_a_list_of_causes_of_concern_gives_one_cause_per_item():
    causes = of_kind(parse_text(PEEL_2017_CAUSES), "cause_of_concern")
    assert [c["text"] for c in causes[1:]] == [
        "The force does not manage registered sex offenders well enough.",
        "The force has a backlog of digital devices awaiting examination.",
    ]


def test_each_recommend_sentence_in_a_paragraph_is_its_own_recommendation():
    recommendations = of_kind(parse_text(PEEL_2017_CAUSES), "recommendation")
    texts = [r["text"] for r in recommendations if r["section"] == "Legitimacy"]
    assert texts == [
        "We recommend that the force publishes its stop and search data.",
        "We also recommend that the force reviews its use of Taser, e.g. by dip-sampling "
        "body-worn video.",
    ]


def test_a_recommendation_stem_in_narrative_with_its_list_missing_is_flagged():
    result = parse_text(
        "PEEL 2016\nAn inspection of Essex Police\n\nInvestigating crime\n\nGood\n\n"
        "We recommend that the force improves its investigations as follows:\n\n"
        "The data is broken down as follows:\n\nRecorded crime\t80\t81\n"
    )
    assert result["findings"] == []
    assert [s["line"] for s in result["skipped"]] == [8]
    assert len([w for w in result["warnings"] if "missing" in w]) == 1


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


def test_2021_reports_grade_questions_on_five_levels_without_pillars():
    result = parse_text(PEEL_2021)
    assert result["programme"] == "PEEL 2021/22"
    assert result["published"] == "2022-05"
    assert question_rows(result) == [
        [None, "Investigating crime", "Inadequate", "2021/22"],
        [None, "Responding to the public", "Requires improvement", "2021/22"],
        [None, "Protecting vulnerable people", "Good", "2021/22"],
        [None, "Leadership and force management", "Adequate", "2021/22"],
    ]


def test_recommendations_after_a_cause_of_concern_carry_its_index_and_their_timescale():
    findings = parse_text(PEEL_2021)["findings"]
    assert findings[0]["kind"] == "cause_of_concern"
    assert findings[0]["text"] == (
        "The force isn't investigating crime effectively. Too many investigations are not "
        "supervised."
    )
    recommendations = findings[1:4]
    assert [r["kind"] for r in recommendations] == ["recommendation"] * 3
    assert [r["parent"] for r in recommendations] == [0, 0, 0]
    assert [r["timescale"] for r in recommendations] == [
        "immediately",
        "within three months",
        "by 31 March 2023",
    ]
    assert recommendations[0]["text"] == (
        "The force should immediately agree a plan to reduce the number of open investigations."
    )


def test_a_2021_area_for_improvement_is_the_one_paragraph_after_its_heading():
    result = parse_text(PEEL_2021)
    assert [(a["section"], a["text"]) for a in of_kind(result, "area_for_improvement")] == [
        (
            "Investigating crime",
            "The force should make sure it records why victims withdraw support for "
            "investigations.",
        )
    ]


def test_an_accelerated_cause_of_concern_quoted_after_our_inspection_found():
    findings = parse_text(PEEL_2021)["findings"]
    cause = findings[5]
    assert cause["kind"] == "cause_of_concern"
    assert cause["section"] == "Responding to the public"
    assert cause["text"] == (
        "The force is not answering emergency calls quickly enough, so people in danger wait too "
        "long."
    )
    assert [(r["text"], r["parent"], r["timescale"]) for r in findings[6:]] == [
        (
            "The force should make sure it has enough call handlers to answer 999 calls within "
            "ten seconds",
            5,
            "within three months",
        ),
        ("The force should review how it prioritises calls for service.", 5, "within three months"),
    ]


def test_2021_question_grades_can_come_from_summary_sentences():
    result = parse_text(
        "PEEL 2021/22\nAn inspection of Durham Constabulary\n\n"
        "Durham Constabulary is good at investigating crime. "
        "The force requires improvement at responding to the public.\n"
    )
    assert question_rows(result) == [
        [None, "Investigating crime", "Good", "2021/22"],
        [None, "Responding to the public", "Requires improvement", "2021/22"],
    ]
    assert "Question grades were read from summary sentences" in result["warnings"][-2]


# Web pages ---------------------------------------------------------------------------------------


def test_it_reads_pillar_grades_from_web_page_sentences():
    result = parse_text(
        "Cleveland Police PEEL 2017\n\nEffectiveness\n\n"
        "Cleveland Police requires improvement at keeping people safe and reducing crime.\n\n"
        "Efficiency\n\n"
        "Cleveland Police is good in the efficiency with which it keeps people safe and reduces "
        "crime.\n\n"
        "Legitimacy\n\n"
        "Cleveland Police is outstanding at treating the public and its workforce legitimately.\n"
        "\nInvestigating crime\nInadequate\n"
    )
    assert pillar_grades(result) == {
        "Effectiveness": "Requires improvement",
        "Efficiency": "Good",
        "Legitimacy": "Outstanding",
    }


def test_a_sentence_about_one_question_is_not_read_as_a_pillar_grade():
    result = parse_report(
        "PEEL 2017\nHMICFRS\n\nThe constabulary is good at protecting vulnerable people.\n"
        "In 2016, we judged Kent Police to be good at reducing crime and keeping people safe.\n"
    )
    assert result["judgments"] == []


# Messy conversions -------------------------------------------------------------------------

MESSY = """PEEL: Police effectiveness 2018/19 – Avon and Somerset Constabulary

Ethical and lawful workforce behaviour

Good

Areas for improvement

• The force should make sure that its [counter-corruption unit](#) has enough
capability and capacity to

14

PEEL: Police effectiveness 2018/19 – Avon and Somerset Constabulary

seek intelligence about corruption proactively.
• The force should ensure all staff are vetted. • The force should monitor vetting decisions.

We set out our detailed findings below.

Treating the workforce fairly

Good

Recommendations

HMICFRS recommends that the force acts on its workforce survey as follows:

15

PEEL: Police effectiveness 2018/19 – Avon and Somerset Constabulary

Annex A – About the data

February 2020 | © HMICFRS 2020
"""


def test_a_bullet_wrapped_across_a_page_break_is_joined_without_the_page_furniture():
    first = parse_text(MESSY)["findings"][0]
    assert first["text"] == (
        "The force should make sure that its counter-corruption unit has enough capability and "
        "capacity to seek intelligence about corruption proactively."
    )
    assert first["line"] == 9
    assert first["theme"] == "counter-corruption"


def test_bullets_run_together_on_one_line_are_split():
    findings = parse_text(MESSY)["findings"]
    assert [(f["text"], f["line"]) for f in findings[1:]] == [
        ("The force should ensure all staff are vetted.", 17),
        ("The force should monitor vetting decisions.", 17),
    ]


def test_a_stem_whose_list_is_missing_imports_nothing_and_says_so():
    result = parse_text(MESSY)
    assert of_kind(result, "recommendation") == []
    (skipped,) = result["skipped"]
    assert skipped["line"] == 27
    assert skipped["reason"] == (
        "stem with no parts: the list after 'as follows:' is missing from this copy"
    )
    assert any("as follows:" in warning and "missing" in warning for warning in result["warnings"])


def test_windows_line_endings_and_cp1252_text_are_read():
    data = MESSY.replace("\n", "\r\n").replace("–", "-").encode("cp1252") + b"\x96 \x92\r\n"
    text, source_format = extract_text(data, "report.txt")
    assert source_format == "text"
    assert "\r" not in text
    assert text.endswith("– ’\n")
    assert len(parse_report(text)["findings"]) == 3


def test_a_markdown_copy_is_read_like_plain_text():
    result = parse_text(
        "# PEEL 2018/19: An inspection of Surrey Police\n\n## Investigating crime\n\n**Good**\n\n"
        "### Areas for improvement\n\n- The force should review its [case files](#).\n"
        "- The force should train its investigators\n  in evidence gathering.\n"
    )
    assert result["force"] == "Surrey Police"
    assert question_rows(result) == [["Effectiveness", "Investigating crime", "Good", "2018/19"]]
    assert [f["text"] for f in result["findings"]] == [
        "The force should review its case files.",
        "The force should train its investigators in evidence gathering.",
    ]


@pytest.mark.parametrize(
    ("wording", "month"),
    [
        ("February 2020 | © HMICFRS 2020 | ISBN: 978-1-78655-941-8", "2020-02"),
        ("Published on: 1 November 2022", "2022-11"),
        ("Publication date: 3 May 2022", "2022-05"),
        ("First published 12 Sept 2019", "2019-09"),
    ],
)
def test_it_reads_the_publication_month(wording, month):
    result = parse_report(f"PEEL 2021/22\n\n{wording}\n")
    assert result["published"] == month
    assert not any("last updated" in warning for warning in result["warnings"])


def test_a_recommendation_to_readers_is_not_a_finding():
    result = parse_text(
        "PEEL 2016\nAn inspection of Essex Police\n\nInvestigating crime\n\nGood\n\n"
        "We recommend that readers look at the annex first. We recommend that, within three "
        "months, the chief constable reviews how custody is staffed.\n"
    )
    assert [(f["text"], f["timescale"]) for f in result["findings"]] == [
        (
            "We recommend that, within three months, the chief constable reviews how custody is "
            "staffed.",
            "within three months",
        )
    ]


def test_it_warns_about_what_it_could_not_find():
    result = parse_report("Investigating crime\n\nGood\n")
    assert result["warnings"] == [
        "No police force name found.",
        "No inspection programme (e.g. PEEL 2018/19) found.",
        "No publication date found.",
        "No areas for improvement, causes of concern or recommendations found.",
    ]


def test_a_finding_repeated_in_the_summary_is_imported_once():
    result = parse_text(
        "PEEL 2023–25\nAn inspection of Kent Police\n\nCause of concern\n\n"
        "The force does not answer 101 calls quickly enough.\n\n"
        "Responding to the public\n\nInadequate\n\nCause of concern\n\n"
        "The force does not answer 101 calls quickly enough.\n"
    )
    (cause,) = result["findings"]
    assert cause["section"] == "Responding to the public"
    assert cause["theme"] == "call handling"
    assert result["skipped"][0]["reason"] == "duplicate of the finding on line 6"
    assert result["programme"] == "PEEL 2023–25"


# Refusals ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"  \n\t\r\n  "])
def test_an_empty_file_is_refused(data):
    with pytest.raises(ReportUnreadable, match="The file is empty."):
        parse_report_file(data, "report.txt")


@pytest.mark.parametrize(
    "text",
    [
        "Victoria sponge\n\nIngredients\n- 200g butter\n- 200g sugar\n\nMethod\n"
        "1. Heat the oven to 180C.\n2. You should cream the butter and sugar.\n\nGood luck!\n",
        "Minutes of the Somerset County Council cabinet meeting, 3 March 2020\n\n"
        "Present: the leader and six members\n\nRecommendations\n\n"
        "Members should note the report on highways spending.\n"
        "The cabinet should approve the budget.\n",
    ],
    ids=["recipe", "council minutes"],
)
def test_a_document_that_is_not_an_inspection_report_is_refused(text):
    with pytest.raises(ReportUnreadable, match="does not look like an HMICFRS inspection report"):
        parse_text(text)


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ReportUnreadable, match="This PDF is encrypted"):
        parse_report_file(buffer.getvalue(), "report.pdf")


def test_a_corrupt_pdf_is_refused():
    with pytest.raises(ReportUnreadable, match="damaged"):
        parse_report_file(b"%PDF-1.4 garbage", "report.pdf")


def test_a_pdf_without_text_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(ReportUnreadable, match="no text layer"):
        parse_report_file(buffer.getvalue(), "scan.pdf")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (bytes(range(256)) * 20, "does not contain readable text"),
        (b"PK\x03\x04" + bytes(100), "Word document"),
    ],
    ids=["binary junk", "office file"],
)
def test_binary_files_are_refused(data, message):
    with pytest.raises(ReportUnreadable, match=message):
        parse_report_file(data, "report.pdf")


def test_the_format_is_detected_by_content_not_by_extension():
    assert extract_text(REPORT_PDF.read_bytes(), "report.txt")[1] == "pdf"
    assert extract_text(b"<!DOCTYPE html><p>Hello</p>", "report.pdf")[1] == "html"
    assert extract_text(b"Plain words", "report.html")[1] == "text"


def test_a_causes_of_concern_section_over_its_first_cause_gives_no_false_warning():
    text = "\n".join(
        [
            "PEEL 2021/22",
            "An inspection of Exampleshire Police",
            "Published: 14 September 2022",
            "",
            "Causes of concern",
            "",
            "Cause of concern",
            "The force is not answering emergency calls promptly enough.",
            "",
            "Recommendations",
            "Within three months, the force should:",
            "• make sure it has enough call handlers to meet demand; and",
            "• monitor abandoned call rates.",
            "",
            "Responding to the public",
            "Requires improvement",
        ]
    )
    result = parse_report(text)
    assert result["warnings"] == []
    kinds = [f["kind"] for f in result["findings"]]
    assert kinds == ["cause_of_concern", "recommendation", "recommendation"]
    assert {f["parent"] for f in result["findings"][1:]} == {0}
