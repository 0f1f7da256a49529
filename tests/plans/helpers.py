"""Spreadsheets for the action-plan tests, written the way forces write them."""

import csv
import io

from openpyxl import Workbook

HEADINGS = ["Ref", "AFI", "Finding", "Action", "Owner", "Target date", "Status", "RAG", "Update"]


def xlsx(rows, headings=HEADINGS, title="Plan") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headings)
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows, headings=HEADINGS, delimiter=",", encoding="utf-8-sig") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(headings)
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode(encoding)
