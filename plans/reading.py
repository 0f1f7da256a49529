"""Read an action plan spreadsheet (XLSX or CSV) into headings and rows, safely.

A spreadsheet comes from outside and may be hostile: its size, its unpacked size (a zip
bomb), its rows and columns are all limited, XML is parsed with defusedxml (openpyxl uses
it when it is installed), formulas are read as their saved values and never run.
"""

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath

from django.conf import settings
from django.template.defaultfilters import filesizeformat

MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_CELL = 10_000  # characters kept from one cell
MAX_UNPACKED = 200 * 1024 * 1024  # an XLSX's parts, unzipped
FORMATS = {".xlsx": "xlsx", ".xlsm": "xlsx", ".csv": "csv", ".txt": "csv"}


class PlanUnreadable(Exception):
    """The file cannot be read as an action plan; the message says why and what to do."""


@dataclass
class Table:
    """A sheet's headings and rows; rows keep their spreadsheet row numbers."""

    format: str
    headings: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    sheet: str = ""

    def examples(self, column: int, limit: int = 3) -> list[str]:
        """The first few non-empty values of a column, to help choose the mapping."""
        out = []
        for _number, cells in self.rows:
            value = cells[column] if column < len(cells) else None
            if value not in (None, ""):
                out.append(str(value.isoformat() if isinstance(value, dt.date) else value)[:60])
            if len(out) == limit:
                break
        return out


def read_table(data: bytes, filename: str) -> Table:
    """The first sheet of an XLSX, or a CSV, as a Table; PlanUnreadable if it cannot be."""
    name = PurePath(filename or "").name
    extension = PurePath(name).suffix.lower()
    if not data:
        raise PlanUnreadable("The selected file is empty.")
    if len(data) > settings.PLAN_MAX_BYTES:
        raise PlanUnreadable(
            f"The file must be smaller than {filesizeformat(settings.PLAN_MAX_BYTES)}."
        )
    format = FORMATS.get(extension)
    if format is None:
        raise PlanUnreadable(
            f"Files ending “{extension or '(none)'}” are not accepted: upload the plan as an "
            "Excel workbook (.xlsx) or a CSV file. In Excel, use File, Save As, Excel Workbook."
        )
    if format == "xlsx" or data[:4] == b"PK\x03\x04":
        if data[:4] != b"PK\x03\x04":
            raise PlanUnreadable(
                f"“{name}” is not an Excel workbook. Save it from Excel as .xlsx, or as CSV."
            )
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    if not table.headings:
        raise PlanUnreadable(
            "No column headings were found. The first row with anything in it must name the "
            "columns (for example Reference, Finding, Action, Owner, Due date, Status)."
        )
    if not table.rows:
        raise PlanUnreadable("The plan has headings but no rows below them.")
    return table


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        value = value.strip()
        return value[:MAX_CELL]
    return value


def _table(format: str, lines, sheet: str = "") -> Table:
    """Headings are the first non-empty row; empty rows are skipped; limits are enforced."""
    headings: list[str] = []
    rows: list[tuple[int, list]] = []
    for number, raw in enumerate(lines, start=1):
        cells = [_cell(value) for value in raw[: MAX_COLUMNS + 1]]
        if not any(value not in (None, "") for value in cells):
            continue
        if not headings:
            while cells and cells[-1] in (None, ""):
                cells.pop()
            if len(cells) > MAX_COLUMNS:
                raise PlanUnreadable(
                    f"The plan has more than {MAX_COLUMNS} columns: keep only the plan's own."
                )
            headings = [
                str(value or "").strip() or f"Column {i + 1}" for i, value in enumerate(cells)
            ]
            continue
        if len(rows) >= MAX_ROWS:
            raise PlanUnreadable(
                f"The plan has more than {MAX_ROWS:,} rows: split it into smaller files."
            )
        rows.append((number, cells[: len(headings)]))
    return Table(format=format, headings=headings, rows=rows, sheet=sheet)


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise PlanUnreadable(
            "The workbook is damaged: open it in Excel and save it again."
        ) from error
    if unpacked > MAX_UNPACKED:
        raise PlanUnreadable(
            "The workbook is too large once unpacked: split it into smaller files."
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken or odd file
        raise PlanUnreadable(
            "The workbook could not be read: open it in Excel and save it again as .xlsx "
            "(a password-protected workbook must be saved without its password)."
        ) from error
    try:
        sheet = workbook.worksheets[0]
        return _table("xlsx", sheet.iter_rows(values_only=True), sheet=sheet.title)
    except PlanUnreadable:
        raise
    except Exception as error:
        raise PlanUnreadable(
            "The workbook could not be read: open it in Excel and save it again as .xlsx."
        ) from error
    finally:
        workbook.close()


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise PlanUnreadable(
            "The file is not a CSV file: save the plan from Excel as CSV or .xlsx."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # cp1252 decodes nearly anything; kept for clarity
        raise PlanUnreadable("The CSV file's characters could not be read: save it as UTF-8.")
    # Excel writes commas, or semicolons where the decimal mark is a comma: the headings
    # line says which (csv.Sniffer gives up when rows have fewer cells than the headings).
    first = next((line for line in text[:65536].splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=lambda mark: (first.count(mark), mark == ","))
    try:
        return _table("csv", csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise PlanUnreadable(f"The CSV file could not be read: {error}.") from error
