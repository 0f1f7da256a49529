"""The Avon and Somerset PEEL 2018/19 seed as text, PDF and web page, against its answer key."""

import time

import pytest

from inspections.importer import parse_report, parse_report_file
from tests.inspections.importer_helpers import (
    REPORT_TXT,
    WEB_TXT,
    answer_key,
    assert_findings_match,
    of_kind,
    pillar_grades,
    question_rows,
)

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


# The seed's web page, as text and as saved HTML ----------------------------------------------


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
