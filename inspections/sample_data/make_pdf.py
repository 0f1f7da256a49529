"""Build avon-and-somerset-peel-2018-19.pdf from the report text beside it.

The PDF is test data for inspections.importer, so it copies what real HMICFRS PDFs do to a
parser: text wrapped at the page width, a running header and a page number on every page,
bullets drawn as "•", and the summary table set out in columns. Links written as
[text](#) in the text file are printed as plain text.

It was made once, on Python 3.11, with fpdf2 2.8.9 and the DejaVu Sans fonts from the
Debian fonts-dejavu-core package:

    .venv/bin/pip install fpdf2
    .venv/bin/python inspections/sample_data/make_pdf.py
    .venv/bin/pip uninstall -y fpdf2 fonttools defusedxml Pillow

fpdf2 is not a dependency of PEELtrack; only this script uses it.
"""

import re
from pathlib import Path

from fpdf import FPDF

HERE = Path(__file__).parent
SOURCE = HERE / "avon-and-somerset-peel-2018-19.txt"
TARGET = HERE / "avon-and-somerset-peel-2018-19.pdf"
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
RUNNING_HEADER = "PEEL: Police effectiveness 2018/19 – Avon and Somerset Constabulary"
GRADES = {"Outstanding", "Good", "Adequate", "Requires improvement", "Inadequate", "Ungraded"}


class ReportPDF(FPDF):
    """A4 pages with the report's running header and a page number footer."""

    def header(self):
        if self.page_no() == 1:
            return
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, RUNNING_HEADER, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self):
        self.set_y(-15)
        self.set_font("DejaVu", size=8)
        self.cell(0, 6, str(self.page_no()), align="C")


def plain(line: str) -> str:
    """Drop Markdown link syntax so the PDF shows only the link text."""
    line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
    return line.replace("\\(", "(").replace("\\)", ")")


def is_heading(line: str) -> bool:
    return len(line) < 90 and not line.endswith((".", ",", ";", ":")) and "\t" not in line


def main() -> None:
    pdf = ReportPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.set_title("PEEL: Police effectiveness, efficiency and legitimacy 2018/19")
    pdf.set_author("HMICFRS")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for raw in SOURCE.read_text(encoding="utf-8").splitlines():
        line = plain(raw).rstrip()
        text = line.strip()
        if not text:
            pdf.ln(3)
            continue
        if line.startswith("- "):
            pdf.set_font("DejaVu", size=10)
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(width - 4, 5, "• " + text[2:], new_x="LMARGIN", new_y="NEXT")
        elif "\t" in line:
            cells = [cell.strip() for cell in line.split("\t")]
            pdf.set_font("DejaVu", size=8)
            first = width * 0.55
            rest = (width - first) / max(len(cells) - 1, 1)
            for index, cell in enumerate(cells):
                pdf.cell(first if index == 0 else rest, 5, cell)
            pdf.ln(5)
        elif text in GRADES or is_heading(text):
            pdf.set_font("DejaVu", "B", size=12 if text not in GRADES else 11)
            pdf.multi_cell(width, 6, text, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("DejaVu", size=10)
            pdf.multi_cell(width, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(TARGET))


if __name__ == "__main__":
    main()
