"""Text extraction from PDF, web page and text copies, and the files that are refused."""

import io

import pytest
from pypdf import PdfWriter

from inspections.importer import ReportUnreadable, extract_text, parse_report_file
from tests.inspections.importer_helpers import REPORT_HTML, REPORT_PDF, parse_text

# PDF and web pages ---------------------------------------------------------------------------


def test_the_sample_pdf_is_small_and_read_as_a_pdf():
    assert REPORT_PDF.stat().st_size < 1_000_000
    text, source_format = extract_text(REPORT_PDF.read_bytes(), REPORT_PDF.name)
    assert source_format == "pdf"
    assert "Areas for improvement" in text


def test_the_saved_web_page_is_read_as_html(report_html):
    assert report_html["source_format"] == "html"


def test_html_extraction_drops_scripts_navigation_and_footers():
    text, _ = extract_text(REPORT_HTML.read_bytes(), REPORT_HTML.name)
    assert "dataLayer" not in text
    assert "Publications" not in text
    assert "Crown copyright" not in text
    assert "Skip to content" not in text


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


# Refusals ------------------------------------------------------------------------------------


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
