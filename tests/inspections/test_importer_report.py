"""The report's metadata: its publication month, and warnings for what it does not say."""

import pytest

from inspections.importer import parse_report


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
