"""Messy conversions: page furniture, wrapped and run-together bullets, line endings, Markdown."""

from inspections.importer import extract_text, parse_report
from tests.inspections.importer_helpers import of_kind, parse_text, question_rows

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
