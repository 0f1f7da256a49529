"""Findings: areas for improvement, causes of concern, recommendations, stems and skips."""

from inspections.importer import parse_report
from tests.inspections.importer_helpers import PEEL_2016, PEEL_2021, of_kind, parse_text

# 2014 to 2018/19 layouts ---------------------------------------------------------------------


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
    # Each part in the source's own words, with the stem beside it.
    assert [r["text"] for r in recommendations] == [
        "review how call handlers assess risk",
        "make sure all missing children are risk-assessed properly",
        "improve supervision of investigations involving vulnerable victims.",
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
        "develop a plan to reduce its backlog of crime files",
        "train supervisors in the use of THRIVE",
        "publish its stop and search data every month.",
    ]
    assert {f["stem"] for f in findings} == {
        "HMIC recommends that within six months the force should:"
    }
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
        ("review its call-handling processes", 0, "immediately"),
        ("train all call handlers in THRIVE", 0, "immediately"),
        ("audit the quality of risk assessments each month.", 0, "immediately"),
    ]
    assert findings[1]["stem"] == (
        "To address this cause of concern, we recommend that the force should immediately:"
    )


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
    # One part after "should immediately:" is one recommendation, in its own words.
    assert recommendations[0]["text"] == (
        "The force should immediately: agree a plan to reduce the number of open investigations."
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
            "make sure it has enough call handlers to answer 999 calls within ten seconds",
            5,
            "within three months",
        ),
        ("review how it prioritises calls for service.", 5, "within three months"),
    ]
    assert {r["stem"] for r in findings[6:]} == {"Within three months, the force should:"}


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


# Summaries and narrative ---------------------------------------------------------------------


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


# Text in the source's own words -------------------------------------------------------------


def test_a_findings_text_is_a_passage_of_the_source_and_its_stem_is_kept_beside_it():
    text = (
        "PEEL 2021/22\nAn inspection of Kent Police\n\nCause of concern\n\n"
        "The force is not answering 999 calls quickly enough.\n\n"
        "Within three months, Kent Police should make sure that:\n\n"
        "• call handlers use and correctly record structured risk assessments – this will help "
        "the force prioritise calls;\n"
        "• vulnerable and repeat callers are routinely identified; and\n"
    )
    result = parse_text(text)
    cause, *recommendations = result["findings"]
    assert cause["kind"] == "cause_of_concern"
    assert [(r["text"], r["stem"], r["timescale"], r["parent"]) for r in recommendations] == [
        (
            "call handlers use and correctly record structured risk assessments – this will help "
            "the force prioritise calls",
            "Within three months, Kent Police should make sure that:",
            "within three months",
            0,
        ),
        (
            "vulnerable and repeat callers are routinely identified",
            "Within three months, Kent Police should make sure that:",
            "within three months",
            0,
        ),
    ]
    source = " ".join(text.split())
    for finding in result["findings"]:
        assert finding["text"] in source


def test_a_recommendation_with_a_deadline_needs_no_heading():
    result = parse_text(
        "PEEL 2016\nHMIC\n\nWithin six months the force should put in place arrangements to "
        "ensure that:\n\n• at the point of report, victims are believed;\n"
        "• multiple crimes are always recorded.\n\n[on]9th February 2017 "
        "[status]awaiting-review[/status][/on]\n"
    )
    assert [(f["kind"], f["text"], f["timescale"]) for f in result["findings"]] == [
        ("recommendation", "at the point of report, victims are believed", "within six months"),
        ("recommendation", "multiple crimes are always recorded.", "within six months"),
    ]


def test_areas_for_improvement_run_together_in_one_paragraph_are_one_each():
    result = parse_text(
        "PEEL 2017\nAn inspection of Dorset Police\n\nInvestigating crime\n\nGood\n\n"
        "Areas for improvement\n\n"
        "The force should improve how it supervises investigations. It should check every file. "
        "The force should make sure victims are updated regularly.\n"
    )
    assert [f["text"] for f in of_kind(result, "area_for_improvement")] == [
        "The force should improve how it supervises investigations. It should check every file.",
        "The force should make sure victims are updated regularly.",
    ]


def test_bullets_run_together_or_glued_to_their_text_are_separate_parts():
    result = parse_text(
        "PEEL 2021/22\nAn inspection of Kent Police\n\nCause of concern\n\n"
        "The force is not answering 101 calls.\n\n"
        "Recommendations\n\n"
        "The force must immediately take steps to: • increase the number of call handlers; and "
        "•monitor abandoned calls.\n"
        "•The force should publish its call data.\n"
    )
    assert [f["text"] for f in of_kind(result, "recommendation")] == [
        "increase the number of call handlers",
        "monitor abandoned calls.",
        "The force should publish its call data.",
    ]
    assert of_kind(result, "recommendation")[0]["stem"] == (
        "The force must immediately take steps to:"
    )


# Letters and the recommendations register ---------------------------------------------------


LETTER = """Staffordshire Police: PEEL causes of concern revisit letter
Letter information
From
Michelle Skeer
His Majesty’s Inspector of Constabulary
To
Chris Noble
Chief Constable
Staffordshire Police
Sent on
21 May 2024
Background
In January 2022, we inspected Staffordshire Police. During the inspection we identified two accelerated causes of concern, which were that the force:
- was failing to identify and assess vulnerability at first point of contact; and
- wasn’t carrying out effective investigations.
Responding to the public
We made the following recommendations, stating that the force should make sure that:
- call handlers use and correctly record structured initial triage and risk assessments;
- vulnerable and repeat callers are routinely identified.
"""  # noqa: E501


def test_a_letter_restates_the_causes_and_recommendations_it_follows_up():
    result = parse_text(LETTER)
    assert result["force"] == "Staffordshire Police"
    assert [(f["kind"], f["text"]) for f in result["findings"]] == [
        (
            "cause_of_concern",
            "was failing to identify and assess vulnerability at first point of contact",
        ),
        ("cause_of_concern", "wasn’t carrying out effective investigations."),
        (
            "recommendation",
            "call handlers use and correctly record structured initial triage and risk assessments",
        ),
        ("recommendation", "vulnerable and repeat callers are routinely identified."),
    ]
    assert result["findings"][0]["stem"] == (
        "During the inspection we identified two accelerated causes of concern, which were that "
        "the force:"
    )
    assert result["findings"][2]["stem"] == (
        "We made the following recommendations, stating that the force should make sure that:"
    )


def test_a_summary_list_of_causes_set_out_under_their_own_headings_is_not_read_twice():
    result = parse_text(
        "PEEL: Kent Police cause of concern\nHMICFRS\n\n"
        "We have issued two accelerated causes of concern to Kent Police as a result of its "
        "failure to:\n\n• identify vulnerability; and\n• investigate well.\n\n"
        "Cause of concern\n\nThe force needs to improve how it identifies vulnerability.\n"
    )
    assert [f["text"] for f in result["findings"]] == [
        "The force needs to improve how it identifies vulnerability."
    ]
    assert {s["reason"] for s in result["skipped"]} == {
        "summary of a cause of concern set out under its own heading, not imported twice"
    }


def test_a_cause_of_concern_heading_can_name_its_topic():
    result = parse_text(
        "Devon and Cornwall Police: closure of cause of concern letter\nLetter information\n\n"
        "Cause of concern: responding to the public\n\n"
        "The force needs to improve the time it takes to answer non-emergency calls\n\n"
        "Our cause of concern regarding responding to the public had two recommendations:\n\n"
        "Within three months, Devon and Cornwall Police should:\n\n"
        "• improve its processes for answering non-emergency calls.\n"
    )
    cause, recommendation = result["findings"]
    assert (cause["kind"], cause["section"], cause["text"]) == (
        "cause_of_concern",
        "responding to the public",
        "The force needs to improve the time it takes to answer non-emergency calls",
    )
    assert (recommendation["text"], recommendation["parent"]) == (
        "improve its processes for answering non-emergency calls.",
        0,
    )


def test_a_register_entrys_headings_run_into_their_text():
    result = parse_text(
        "Cause of concern The size of the vetting backlog within West Midlands Police is a cause "
        "of concern.\n\nRecommendation • The force should ensure all staff are vetted.\n\n"
        "[on]2nd May 2019 [status]awaiting-review[/status][/on]\n"
    )
    assert [(f["kind"], f["text"], f["parent"]) for f in result["findings"]] == [
        (
            "cause_of_concern",
            "The size of the vetting backlog within West Midlands Police is a cause of concern.",
            None,
        ),
        ("recommendation", "The force should ensure all staff are vetted.", 0),
    ]


# National recommendations -------------------------------------------------------------------


def test_recommendations_to_all_forces_are_national_with_their_addressee_and_deadline():
    result = parse_text(
        "Disproportionate use of police powers\n\n"
        "Recommendations from the Justice Inspectorate's report.\n\n"
        "1. By July 2022, forces should ensure that officers have effective communication "
        "skills. This should be in addition to existing training.\n\n"
        "2. By September 2021, forces should: ensure that officers record stop and search "
        "encounters.\n    have a structured process for reviewing footage.\n\n"
        "3. The Home Office and the NPCC should publish the data.\n\n"
        "4. We recommend, that within six months, chief constables review their methods.\n"
    )
    assert [
        (f["kind"], f["text"], f.get("stem"), f["timescale"], f["addressee"])
        for f in result["findings"]
    ] == [
        (
            "national_recommendation",
            "By July 2022, forces should ensure that officers have effective communication "
            "skills. This should be in addition to existing training.",
            None,
            "by July 2022",
            "forces",
        ),
        (
            "national_recommendation",
            "ensure that officers record stop and search encounters.",
            "By September 2021, forces should:",
            "by September 2021",
            "forces",
        ),
        (
            "national_recommendation",
            "have a structured process for reviewing footage.",
            "By September 2021, forces should:",
            "by September 2021",
            "forces",
        ),
        (
            "national_recommendation",
            "We recommend, that within six months, chief constables review their methods.",
            None,
            "within six months",
            "chief constables",
        ),
    ]
    assert any(
        s["reason"] == "addressed to The Home Office and the NPCC, not to forces"
        for s in result["skipped"]
    )


def test_a_deadline_not_later_than_a_date_is_a_timescale():
    result = parse_text(
        "Core Business (4822)\nHMIC\n\nNot later than 31 March 2015 those forces using a risk "
        "policy, that have not yet done so, should provide call-handlers with criteria.\n"
    )
    (finding,) = result["findings"]
    assert (finding["kind"], finding["timescale"], finding["addressee"]) == (
        "national_recommendation",
        "not later than 31 March 2015",
        "forces",
    )


def test_an_inspectors_list_of_what_the_force_needs_to_do_is_other_improvement_points():
    result = parse_text(
        "Northumbria 2017\nThis is HMICFRS' fourth PEEL assessment of Northumbria Police.\n\n"
        "HMI's observations\n\n"
        "The force has made improvements to its investigations. However, its performance has "
        "declined and it needs to:\n\n"
        "• ensure that crimes are allocated promptly; and\n"
        "• improve its initial response to incidents.\n"
    )
    assert [(f["kind"], f["text"], f["stem"]) for f in result["findings"]] == [
        (
            "other",
            "ensure that crimes are allocated promptly",
            "However, its performance has declined and it needs to:",
        ),
        (
            "other",
            "improve its initial response to incidents.",
            "However, its performance has declined and it needs to:",
        ),
    ]


def test_a_letter_quotes_its_cause_of_concern_and_lists_its_recommendations():
    result = parse_text(
        "Greater Manchester Police: PEEL Cause of concern revisit letter\n\n"
        "Letter information\n\nSent on:\n28 October 2022\n\n"
        "Responding to the public\n\nOur inspection found:\n\n"
        "“Greater Manchester Police is failing to respond appropriately to some people who are "
        "vulnerable.”\n\n"
        "We made the following recommendations:\n\n"
        "• The force should immediately develop a plan.\n"
        "• Within three months, the force should review its graded response policy.\n"
    )
    cause, *recommendations = result["findings"]
    assert (cause["kind"], cause["text"]) == (
        "cause_of_concern",
        "Greater Manchester Police is failing to respond appropriately to some people who are "
        "vulnerable.",
    )
    assert [(r["text"], r["timescale"], r["parent"]) for r in recommendations] == [
        ("The force should immediately develop a plan.", "immediately", 0),
        (
            "Within three months, the force should review its graded response policy.",
            "within three months",
            0,
        ),
    ]


def test_an_earlier_years_areas_for_improvement_quoted_for_progress_are_not_findings():
    result = parse_report(
        "Cheshire PEEL 2018\n\nIn 2017, we identified two areas for improvement:\n\n"
        "• The constabulary should ensure that it records its officers' use of force.\n\n"
        "This area of improvement has not been discharged.\n"
    )
    assert result["findings"] == []
    assert result["skipped"][0]["reason"] == (
        "earlier finding quoted for its progress, not a new finding"
    )


def test_the_same_part_under_two_stems_is_two_findings():
    result = parse_text(
        "PEEL 2021/22\nAn inspection of Kent Police\n\n"
        "Cause of concern\n\nThe force does not answer 999 calls quickly enough.\n\n"
        "Within three months, the force should:\n\n• review its staffing.\n\n"
        "Cause of concern\n\nThe force does not supervise investigations.\n\n"
        "Within six months, the force should:\n\n• review its staffing.\n"
    )
    recommendations = of_kind(result, "recommendation")
    assert [(r["text"], r["parent"], r["timescale"]) for r in recommendations] == [
        ("review its staffing.", 0, "within three months"),
        ("review its staffing.", 2, "within six months"),
    ]
