"""The report's metadata: its programme and publication month, warnings for what it does not
say, and refusing news stories and press releases."""

import pytest

from inspections.importer import ReportUnreadable, parse_report, parse_report_file


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


def test_it_warns_about_what_it_could_not_find():
    result = parse_report("Investigating crime\n\nGood\n")
    assert result["warnings"] == [
        "No police force name found.",
        "No inspection programme (e.g. PEEL 2018/19) found.",
        "No publication date found.",
        "No areas for improvement, causes of concern or recommendations found.",
    ]


@pytest.mark.parametrize(
    ("text", "programme"),
    [
        # The inspectorate's pages call the 2018/19 integrated assessment "PEEL 2018".
        ("Lancashire PEEL 2018\nEfficiency\n", "PEEL 2018/19"),
        ("Kent PEEL 2017\nEffectiveness\n", "PEEL 2017"),
        # A force page titled "<place> <year>" that mentions PEEL.
        ("Skip to content\n\nKent 2015\nThis is HMIC's second PEEL assessment.\n", "PEEL 2015"),
        ("Durham 2018/19\nRead more about Durham\nThis is HMICFRS's fifth PEEL assessment.\n",
         "PEEL 2018/19"),
        ("An inspection of Kent Police, PEEL 2023–2025\n", "PEEL 2023–25"),
        # A consultation banner on the page is not the report's programme.
        ("Proposed policing inspection programme and framework 2025–29: For consultation\n\n"
         "Gloucestershire PEEL 2017\n", "PEEL 2017"),
    ],
)  # fmt: skip
def test_it_names_the_peel_cycle_a_page_belongs_to(text, programme):
    assert parse_report(text)["programme"] == programme


def test_a_year_in_a_title_without_peel_is_not_a_programme():
    assert (
        parse_report("Kent 2015\nThe annual report of the chief constable.\n")["programme"] is None
    )


@pytest.mark.parametrize(
    "text",
    [
        "Concerns raised over Wiltshire Police's performance\n\nWiltshire Police is failing in "
        "several areas, the police inspectorate has said.\n\nGet the report\n\nHMICFRS graded "
        "the force's performance and found the force was 'inadequate' in three areas.\n",
        "Staffordshire Police is failing\n\nHMICFRS has recommended that Staffordshire Police "
        "should ensure that:\n\n• call handlers use risk assessments;\n\nHer Majesty's Inspector "
        "of Constabulary Wendy Williams said:\n\n“We have serious concerns.”\n",
        "PEEL: police effectiveness 2016 - force press releases\n\nPublication types: Press "
        "releases\n\nHMIC judged that Kent Police:\n\n• is 'good' at preventing crime.\n",
    ],
    ids=["news story", "press release quoting recommendations", "press releases page"],
)
def test_a_news_story_or_press_release_is_refused_and_gives_nothing(text):
    with pytest.raises(ReportUnreadable, match="news story or press release"):
        parse_report_file(text.encode(), "news.txt")
