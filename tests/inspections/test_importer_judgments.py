"""Judgments: question names, grades in each era's layout, tables and summary sentences."""

import pytest

from inspections.importer import parse_report, parse_report_file
from tests.inspections.importer_helpers import (
    PEEL_2016,
    PEEL_2021,
    parse_text,
    pillar_grades,
    question_rows,
)

# Question names ------------------------------------------------------------------------------


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


# 2014 to 2018/19 layouts ---------------------------------------------------------------------


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


# 2021 onwards --------------------------------------------------------------------------------


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


# Web pages -----------------------------------------------------------------------------------


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


def test_a_sentence_about_one_question_grades_that_question_not_its_pillar():
    result = parse_report(
        "PEEL 2017\nHMICFRS\n\nThe constabulary is good at protecting vulnerable people.\n"
        "In 2016, we judged Kent Police to be good at reducing crime and keeping people safe.\n"
    )
    assert pillar_grades(result) == {}
    assert question_rows(result) == [
        ["Effectiveness", "Protecting vulnerable people", "Good", "2017"]
    ]


# Grades written in sentences (2014 to 2018/19 web pages) --------------------------------------


def test_pillar_grades_in_the_extent_to_which_sentences():
    result = parse_text(
        "Lancashire 2016\nThis is HMIC's third PEEL assessment of Lancashire Constabulary.\n\n"
        "The extent to which the constabulary is effective at keeping people safe and reducing "
        "crime: not yet graded.\n\n"
        "The extent to which the constabulary is efficient at keeping people safe and reducing "
        "crime is: good.\n\n"
        "the extent to which the force treats the public and its workforce legitimately is "
        "outstanding.\n"
    )
    assert pillar_grades(result) == {"Efficiency": "Good", "Legitimacy": "Outstanding"}
    assert {j["last_inspected"] for j in result["judgments"]} == {"2016"}


def test_question_grades_in_clauses_of_one_sentence():
    result = parse_text(
        "Kent PEEL 2017\n\nHow efficient is the force at keeping people safe and reducing crime?"
        "\n\nLast updated 09/11/2017\n\n"
        "Kent Police is judged to be good in the efficiency with which it keeps people safe. "
        "The force is judged to be outstanding in its understanding of demand; its use of "
        "resources to manage demand is assessed to be good; and its planning for future demand "
        "is judged to be good.\n"
    )
    assert pillar_grades(result) == {"Efficiency": "Good"}
    assert sorted(question_rows(result)) == [
        ["Efficiency", "Meeting current demands and using resources", "Good", "2017"],
        ["Efficiency", "Planning for the future", "Good", "2017"],
        ["Efficiency", "Understanding demand", "Outstanding", "2017"],
    ]


def test_grades_carried_over_in_sentences_keep_their_year():
    result = parse_text(
        "Essex PEEL 2018\n\nHow effectively does the force reduce crime and keep people safe?\n\n"
        "Essex Police is good at reducing crime and keeping people safe.\n\n"
        "In 2016, we judged the force to be good at investigating crime and tackling serious "
        "and organised crime.\n\n"
        "In 2017, we assessed the force as good at:\n\n"
        "• preventing crime and tackling anti-social behaviour; and\n"
        "• protecting vulnerable people.\n"
    )
    assert pillar_grades(result) == {"Effectiveness": "Good"}
    assert sorted(question_rows(result)) == [
        ["Effectiveness", "Investigating crime", "Good", "2016/17"],
        ["Effectiveness", "Preventing crime and tackling anti-social behaviour", "Good", "2017/18"],
        ["Effectiveness", "Protecting vulnerable people", "Good", "2017/18"],
        ["Effectiveness", "Tackling serious and organised crime", "Good", "2016/17"],
    ]


def test_the_inspectors_observations_and_other_inspections_give_no_grades():
    result = parse_text(
        "Kent PEEL 2017\n\nHMI's observations\n\n"
        "The force is good at preventing crime and anti-social behaviour.\n\n"
        "How effective is the force at preventing crime, tackling anti-social behaviour and "
        "keeping people safe?\n\n"
        "Kent Police requires improvement in the way it prevents crime. In contrast, HMIC's "
        "crime inspection in 2014 found the force to be good at investigating crime.\n"
    )
    assert question_rows(result) == [
        [
            "Effectiveness",
            "Preventing crime and tackling anti-social behaviour",
            "Requires improvement",
            "2017",
        ]
    ]


def test_2014_reports_have_their_own_questions_and_an_ungraded_headline():
    result = parse_text(
        "Lancashire PEEL 2014\n\nEffectiveness\n\nHow well the force tackles crime\n\n"
        "Last updated 12/11/2014\nUngraded\n\n"
        "The force is good at investigating offending.\n\n"
        "How effective is the force at reducing crime and preventing offending?\n\nGood\n"
    )
    assert pillar_grades(result) == {"Effectiveness": "Ungraded"}
    assert question_rows(result) == [
        ["Effectiveness", "Reducing crime and preventing offending", "Good", "2014"],
        ["Effectiveness", "Investigating offending", "Good", "2014"],
    ]


def test_a_grade_after_a_dash_on_the_questions_line():
    result = parse_text(
        "PEEL 2023–25\nAn inspection of Kent Police\n\n"
        "Investigating crime – Adequate\nResponding to the public: Requires improvement\n"
    )
    assert question_rows(result) == [
        [None, "Investigating crime", "Adequate", "2023–25"],
        [None, "Responding to the public", "Requires improvement", "2023–25"],
    ]


def test_a_grade_after_the_activity_it_grades():
    result = parse_text(
        "Gwent 2016\nThis is HMIC's third PEEL assessment of Gwent Police.\n\n"
        "Gwent Police is good at investigating crime. However, the way it tackles serious and "
        "organised crime requires improvement. The force is judged to be good in its "
        "understanding of demand; but its planning for future demand is judged to require "
        "improvement.\n"
    )
    assert sorted(question_rows(result)) == [
        ["Effectiveness", "Investigating crime", "Good", "2016"],
        ["Effectiveness", "Tackling serious and organised crime", "Requires improvement", "2016"],
        ["Efficiency", "Planning for the future", "Requires improvement", "2016"],
        ["Efficiency", "Understanding demand", "Good", "2016"],
    ]


def test_a_sentence_grade_carried_over_says_so_in_its_paragraph():
    result = parse_text(
        "Gwent PEEL 2018\n\nGwent Police is good at treating its workforce fairly. This question "
        "was not subject to detailed inspection in 2018/19, and our judgment from the 2017 "
        "legitimacy inspection has been carried over.\n"
    )
    assert question_rows(result) == [
        ["Legitimacy", "Fair treatment of the workforce", "Good", "2017/18"]
    ]


def test_the_opening_sentence_under_a_pillar_grades_the_pillar_unless_it_names_one_question():
    pillar = parse_text(
        "Wiltshire PEEL 2018\n\n"
        "How efficiently does the force operate and how sustainable are its services to the "
        "public?\n\nWiltshire Police is good at planning to meet both current and future demand.\n"
    )
    assert pillar_grades(pillar) == {"Efficiency": "Good"}
    assert question_rows(pillar) == []
    question = parse_text(
        "Surrey PEEL 2018\n\nHow effectively does the force reduce crime and keep people safe?\n\n"
        "Surrey Police is outstanding at preventing crime and prioritising crime prevention.\n"
    )
    assert pillar_grades(question) == {}
    assert question_rows(question) == [
        [
            "Effectiveness",
            "Preventing crime and tackling anti-social behaviour",
            "Outstanding",
            "2018/19",
        ]
    ]


def test_the_2014_assessment_written_as_one_list():
    result = parse_text(
        "Surrey PEEL 2014\n\nThe available evidence indicates that:\n\n"
        "in terms of its effectiveness, in general, the force is good at reducing crime and "
        "preventing offending and is good at tackling anti-social behaviour, however it requires "
        "improvement in the way it investigates offending;\n\n"
        "the efficiency with which the force carries out its responsibilities is good; and\n"
    )
    assert pillar_grades(result) == {"Efficiency": "Good"}
    assert sorted(question_rows(result)) == [
        ["Effectiveness", "Investigating offending", "Requires improvement", "2014"],
        ["Effectiveness", "Reducing crime and preventing offending", "Good", "2014"],
        ["Effectiveness", "Tackling anti-social behaviour", "Good", "2014"],
    ]


def test_a_questions_carried_over_notice_dates_its_grade_given_in_the_summary():
    result = parse_text(
        "Cheshire PEEL 2018\n\nHow legitimately does the force treat the public and its "
        "workforce?\n\nCheshire Constabulary is good at treating the public fairly.\n\n"
        "To what extent does the force treat all of the people it serves with fairness and "
        "respect?\n\nThis question was not subject to detailed inspection in 2018/19, and our "
        "judgment from the 2017 legitimacy inspection has been carried over.\n"
    )
    assert question_rows(result) == [
        ["Legitimacy", "Fair treatment of the public", "Good", "2017/18"]
    ]
