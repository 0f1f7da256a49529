"""Reading a spreadsheet safely, and recognising its columns and its wording."""

import datetime as dt
import io
import zipfile

import pytest

from plans import fields, reading
from plans.fields import CellError, guess_mapping
from plans.reading import PlanUnreadable, read_table
from tests.plans.helpers import HEADINGS, csv_bytes, xlsx

ROW = ["AP-1", "AFI 1", "", "Clear the backlog", "oowen", dt.date(2024, 3, 31), "Closed", "G", ""]


def test_an_xlsx_reads_its_headings_rows_and_dates():
    table = read_table(xlsx([ROW]), "plan.xlsx")
    assert table.headings == HEADINGS
    assert table.format == "xlsx"
    [(number, cells)] = table.rows
    assert number == 2
    assert cells[5] == dt.date(2024, 3, 31)


def test_a_csv_from_excel_in_cp1252_with_semicolons_reads():
    data = csv_bytes(
        [["AP-1", "AFI 1", "", "Review – vetting", "oowen", "31/03/2024"]],
        delimiter=";",
        encoding="cp1252",
    )
    table = read_table(data, "plan.csv")
    assert table.headings[:4] == ["Ref", "AFI", "Finding", "Action"]
    assert table.rows[0][1][3] == "Review – vetting"


def test_headings_may_start_below_a_title_and_blank_rows_are_skipped():
    data = xlsx(
        [[], ["AP-1", "AFI 1", "", "Clear the backlog"], [None, None]],
        headings=["Avon and Somerset PEEL action plan"],
    )
    table = read_table(data, "plan.xlsx")
    assert table.headings == ["Avon and Somerset PEEL action plan"]
    assert len(table.rows) == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "plan.xlsx", "empty"),
        (b"%PDF-1.4 not a sheet", "plan.xlsx", "not an Excel workbook"),
        (b"PK\x03\x04 broken", "plan.xlsx", "damaged"),
        (b"Ref,Action\n", "plan.csv", "no rows"),
        (b"hello", "plan.docx", "not accepted"),
        (b"\x00\x01\x02", "plan.csv", "not a CSV"),
    ],
)
def test_what_cannot_be_read_is_refused_with_a_reason(data, name, message):
    with pytest.raises(PlanUnreadable, match=message):
        read_table(data, name)


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 3)
    with pytest.raises(PlanUnreadable, match="more than 3 rows"):
        read_table(csv_bytes([["x"]] * 4, headings=["Action"]), "plan.csv")


def test_a_workbook_that_unpacks_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED", 1000)
    with pytest.raises(PlanUnreadable, match="too large once unpacked"):
        read_table(xlsx([ROW] * 50), "plan.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    with pytest.raises(PlanUnreadable, match="could not be read"):
        read_table(out.getvalue(), "plan.xlsx")


def test_columns_are_recognised_by_their_usual_headings():
    mapping = guess_mapping(HEADINGS)
    assert mapping == {
        "reference": 0,
        "finding_reference": 1,
        "finding_text": 2,
        "title": 3,
        "owner": 4,
        "due_date": 5,
        "status": 6,
        "rag": 7,
        "update": 8,
    }


def test_the_forces_remembered_columns_come_first():
    remembered = {"title": "Update", "update": "Action"}
    mapping = guess_mapping(HEADINGS, remembered)
    assert (mapping["title"], mapping["update"]) == (8, 3)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("31/03/2024", dt.date(2024, 3, 31)),
        ("31 March 2024", dt.date(2024, 3, 31)),
        ("1st April 2024", dt.date(2024, 4, 1)),
        ("2024-03-31", dt.date(2024, 3, 31)),
        ("March 2024", dt.date(2024, 3, 31)),
        (45382, dt.date(2024, 3, 31)),
        (dt.datetime(2024, 3, 31, 0, 0), dt.date(2024, 3, 31)),
        ("", None),
    ],
)
def test_dates_are_read_as_forces_write_them(value, expected):
    assert fields.date(value, "Due date") == expected


def test_a_date_that_is_not_one_says_how_to_write_it():
    with pytest.raises(CellError, match="Due date “soon” is not a date: write it as 31/03/2025"):
        fields.date("soon", "Due date")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Complete", "closed"),
        ("ongoing", "in_progress"),
        ("On Hold", "on_hold"),
        ("Awaiting closure", "submitted"),
        ("Not started", "not_started"),
        ("", None),
    ],
)
def test_status_wording_is_understood(value, expected):
    assert fields.status(value) == expected


def test_an_unknown_status_lists_the_ones_known():
    with pytest.raises(CellError, match="Not started, In progress, On hold"):
        fields.status("Maybe")


def test_progress_reads_percentages_and_excel_fractions():
    assert [fields.progress(v) for v in ("40%", 40, 0.4, "", None)] == [40, 40, 40, None, None]
    with pytest.raises(CellError):
        fields.progress("150")


def test_a_findings_kind_comes_from_its_wording_or_its_reference():
    assert fields.finding_kind("Cause of concern") == "cause_of_concern"
    assert fields.finding_kind("", "AFI 7") == "area_for_improvement"
    assert fields.finding_kind("", "Rec 2") == "recommendation"
    assert fields.finding_kind("", "") == "other"
