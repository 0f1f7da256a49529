"""The action plan template: a workbook with PEELtrack's columns, an example row, drop-down
lists for the fixed values and a sheet explaining each column."""

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .fields import FIELDS

EXAMPLE = {
    "reference": "AP-001",
    "inspection": "PEEL 2023–25",
    "finding_reference": "AFI 3",
    "finding_text": "The force should make sure all staff have the right level of vetting.",
    "finding_kind": "Area for improvement",
    "title": "Clear the vetting renewal backlog",
    "description": "Recruit two vetting officers and prioritise renewals by risk.",
    "owner": "olivia.owen@example.police.uk",
    "team": "Professional Standards",
    "priority": "High",
    "start_date": dt.date(2025, 4, 1),
    "due_date": dt.date(2025, 9, 30),
    "status": "In progress",
    "progress": 40,
    "rag": "Amber",
    "closed_date": None,
    "closing_summary": "",
    "update": "Two officers recruited; 120 renewals outstanding.",
}
CHOICES = {
    "status": "Not started,In progress,On hold,Submitted for closure,Closed",
    "rag": "Red,Amber,Green",
    "priority": "High,Medium,Low",
    "finding_kind": "Area for improvement,Cause of concern,Recommendation,Other",
}
ROWS_WITH_LISTS = 5000


def template_workbook() -> bytes:
    """The template as .xlsx bytes."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDDDDD")
    for column, spec in enumerate(FIELDS, start=1):
        cell = sheet.cell(row=1, column=column, value=spec.label)
        cell.font, cell.fill = bold, fill
        value = EXAMPLE.get(spec.name)
        example = sheet.cell(row=2, column=column, value=value)
        if isinstance(value, dt.date):
            example.number_format = "DD/MM/YYYY"
        sheet.column_dimensions[cell.column_letter].width = max(14, min(40, len(spec.label) + 6))
        if spec.name in CHOICES:
            rule = DataValidation(type="list", formula1=f'"{CHOICES[spec.name]}"', allow_blank=True)
            rule.error = f"Choose one of: {CHOICES[spec.name].replace(',', ', ')}"
            rule.showErrorMessage = True
            sheet.add_data_validation(rule)
            rule.add(f"{cell.column_letter}2:{cell.column_letter}{ROWS_WITH_LISTS}")
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet("How to fill it in")
    guide.append(["Column", "What it holds"])
    for cell in guide[1]:
        cell.font, cell.fill = bold, fill
    for spec in FIELDS:
        guide.append([spec.label, spec.hint or ""])
    guide.append([])
    guide.append(
        [
            "Every row",
            "One action. It needs the action and its finding (a reference such as AFI 3, or "
            "the finding's words). Keep the row reference the same in every version: the next "
            "upload then updates that action instead of adding another.",
        ]
    )
    guide.append(
        [
            "History",
            "Past due dates and closed actions are accepted; they are marked as imported. "
            "Dates may be written 31/03/2025, 31 March 2025 or March 2025 (its last day).",
        ]
    )
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 110
    for row in guide.iter_rows(min_row=2):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def template_csv() -> str:
    """The template's headings and example row as CSV text."""
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([spec.label for spec in FIELDS])
    row = []
    for spec in FIELDS:
        value = EXAMPLE.get(spec.name)
        row.append(value.strftime("%d/%m/%Y") if isinstance(value, dt.date) else value or "")
    writer.writerow(row)
    return out.getvalue()
