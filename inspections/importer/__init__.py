"""Read an HMICFRS inspection report (PDF, saved web page or text) into judgments and findings.

The reading runs in stages, one module each: extract (the file's text, or a refusal),
layout (lines into paragraphs, headings and bullets), judgments and findings (read from those
units with the words in vocabulary and wording), and report (the stages run in order, with
the force, programme and publication month from metadata). plan is the last stage: it compares
a parsed report with the database and applies the import.

The reading is rule-based and follows how HMICFRS has set out PEEL reports since 2014:

* 2014 to 2018/19: pillar grades (Effectiveness, Efficiency, Legitimacy) and question grades,
  some carried over from an earlier year; "Areas for improvement" lists; "Cause of concern"
  paragraphs with "Recommendations"; free-text "We recommend that ..." sentences; and
  "HMIC recommends that within six months the force should:" stems followed by parts.
* 2021 onwards: five grades per question and no pillar grades; causes of concern (some
  "accelerated") each followed by recommendations that often start with a timescale; and
  "Area for improvement" paragraphs.
"""

# plan is not re-exported: it imports the models, and the reading stages are pure Python with
# no Django imports so that anything can use them without a configured project.
from .extract import ReportUnreadable, extract_text
from .report import parse_report, parse_report_file

__all__ = ["ReportUnreadable", "extract_text", "parse_report", "parse_report_file"]
