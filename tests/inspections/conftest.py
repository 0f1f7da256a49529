"""The seed report parsed once per test module, in each of its forms."""

import pytest

from inspections.importer import parse_report_file
from tests.inspections.importer_helpers import REPORT_HTML, REPORT_PDF, REPORT_TXT


@pytest.fixture(scope="module")
def report_txt() -> dict:
    return parse_report_file(REPORT_TXT.read_bytes(), REPORT_TXT.name)


@pytest.fixture(scope="module")
def report_pdf() -> dict:
    return parse_report_file(REPORT_PDF.read_bytes(), REPORT_PDF.name)


@pytest.fixture(scope="module")
def report_html() -> dict:
    return parse_report_file(REPORT_HTML.read_bytes(), REPORT_HTML.name)
