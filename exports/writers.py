"""Streaming CSV and XLSX writers: the first bytes leave at once, memory stays flat.

XLSX is written by a small streaming SpreadsheetML writer over zipstream-ng (the
library the evidence packs use) rather than XlsxWriter: XlsxWriter's
constant_memory mode keeps memory flat but can only hand over the file once it is
complete, so a 100,000-row workbook would make the browser wait with nothing
arriving. Cells hold inline strings, real numbers and real dates (ISO 8601 number
formats), which every spreadsheet program reads.
"""

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape
from zipfile import ZIP_DEFLATED

from django.utils import timezone
from zipstream import ZipStream

FLUSH_ROWS = 500  # rows encoded before a chunk of bytes is handed to the server

# A cell starting with one of these is treated as a formula by Excel, LibreOffice
# and Google Sheets (tab and carriage return too, which some of them strip first).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(text: str) -> str:
    """Neutralise spreadsheet formula injection: a leading quote makes the cell text."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def iso(value) -> str:
    """ISO 8601: dates as 2025-03-01, times in local time with their UTC offset."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def cell_text(value) -> str:
    """One value as CSV text: ISO dates, Yes/No, JSON for structures, escaped text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return iso(value)
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict | list):
        value = _json(value)
    return safe_cell(str(value))


class _Echo:
    """A file-like object whose write() returns what it was given (csv.writer target)."""

    def write(self, value):
        return value


def csv_stream(headers: list[str], rows: Iterable[list]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (so Excel reads it as UTF-8), in chunks."""
    writer = csv.writer(_Echo())
    yield ("\ufeff" + writer.writerow(headers)).encode("utf-8")
    batch = []
    for row in rows:
        batch.append(writer.writerow([cell_text(value) for value in row]))
        if len(batch) >= FLUSH_ROWS:
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


# Characters XML 1.0 cannot hold at all: dropped rather than making the file unreadable.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_MAX_TEXT = 32767
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Styles: 0 plain, 1 bold heading, 2 date (yyyy-mm-dd), 3 date and time (ISO 8601).
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_NS}">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd&quot;T&quot;hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(text: str) -> str:
    # A bare carriage return would be read back as a line feed: keep it as a reference.
    return xml_escape(_XML_ILLEGAL.sub("", text[:_EXCEL_MAX_TEXT]), {"\r": "&#13;"})


def _xlsx_cell(ref: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value).replace(tzinfo=None)
        serial = (local - _EXCEL_EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="3"><v>{serial:.6f}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}" s="2"><v>{(value - _EXCEL_EPOCH.date()).days}</v></c>'
    if isinstance(value, dict | list):
        value = _json(value)
    text = _xml_text(safe_cell(str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _sheet_xml(columns: list, rows: Iterable[list]) -> Iterator[bytes]:
    letters = [_column_letter(i) for i in range(len(columns))]
    widths = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{c.width}" customWidth="1"/>'
        for i, c in enumerate(columns)
    )
    header = "".join(
        f'<c r="{letter}1" t="inlineStr" s="1"><is><t>{_xml_text(c.header)}</t></is></c>'
        for letter, c in zip(letters, columns, strict=True)
    )
    yield (
        f'{_XML}<worksheet xmlns="{_NS}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        "</sheetView></sheetViews>"
        f'<cols>{widths}</cols><sheetData><row r="1">{header}</row>'
    ).encode()
    batch = []
    for number, row in enumerate(rows, start=2):
        cells = "".join(
            _xlsx_cell(f"{letter}{number}", value)
            for letter, value in zip(letters, row, strict=True)
        )
        batch.append(f'<row r="{number}">{cells}</row>')
        if len(batch) >= FLUSH_ROWS:
            yield "".join(batch).encode()
            batch = []
    batch.append("</sheetData></worksheet>")
    yield "".join(batch).encode()


def xlsx_stream(sheet: str, columns: list, rows: Iterable[list]) -> Iterator[bytes]:
    """A one-sheet XLSX workbook, zipped while the rows are read."""
    name = _xml_text(re.sub(r"[\[\]:*?/\\]", " ", sheet)[:31]) or "Sheet1"
    workbook = (
        f'{_XML}<workbook xmlns="{_NS}" xmlns:r="{_REL}">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    archive = ZipStream(compress_type=ZIP_DEFLATED, compress_level=6)
    archive.add(_CONTENT_TYPES, "[Content_Types].xml")
    archive.add(_ROOT_RELS, "_rels/.rels")
    archive.add(workbook, "xl/workbook.xml")
    archive.add(_WORKBOOK_RELS, "xl/_rels/workbook.xml.rels")
    archive.add(_STYLES, "xl/styles.xml")
    archive.add(_sheet_xml(columns, rows), "xl/worksheets/sheet1.xml")
    yield from archive
