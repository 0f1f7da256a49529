"""Read an HMICFRS document (PDF, saved web page or text) into judgments and findings.

The reading runs in stages, one module each: extract (the file's text, or a refusal),
layout (lines into paragraphs, headings and bullets), judgments and findings (read from those
units with the words in vocabulary and wording), and report (the stages run in order, with
the force, programme and publication month from metadata). plan is the last stage: it compares
a parsed report with the database and applies the import.

What it reads, as HMICFRS has published since 2014:

* PEEL 2014 to 2018/19 reports and force pages: pillar grades (Effectiveness, Efficiency,
  Legitimacy) and question grades, in tables, under headings, or only in sentences ("Kent
  Police is good at investigating crime ...", "The extent to which the force is efficient ...
  is: good.", "judged to be outstanding in its understanding of demand; its use of resources
  ... is assessed to be good"), grades carried over from earlier years ("In 2016, we judged
  the force to be good at ..."), with PEEL 2014's own questions; "Areas for improvement" lists;
  "Cause of concern" paragraphs with "Recommendations"; "We recommend that ..." sentences;
  and stems followed by parts. The inspector's own observations give no grades.
* PEEL 2021/22 and 2023–25 reports: five grades per question and no pillar grades; causes of
  concern (some "accelerated") each followed by recommendations that often start with a
  timescale; "Area for improvement" paragraphs.
* The inspectorate's letters (cause-of-concern revisit and closure letters): "Cause of concern:
  <topic>" headings, causes and recommendations listed after a lead-in ("..., which were that
  the force:", "We made the following recommendations, stating that the force should make sure
  that:").
* Recommendations register entries, with their status history left out.
* National thematic reports: recommendations addressed to forces in general, with deadlines.

News stories and press releases are refused (they report what the inspectorate said; the
findings come from the report they link to), and so is anything with no grade and no finding.

parse_report(text) and parse_report_file(data, filename) return a dict:

* force, programme ("PEEL 2018/19", "PEEL 2023–25"; the 2018/19 cycle, which the
  inspectorate's pages call "PEEL 2018", is always "2018/19"), published ("YYYY-MM"),
  source_format (files only), warnings, skipped ([{line, text, reason}]).
* judgments: [{pillar, question, grade, last_inspected}]; last_inspected is the programme's
  year, or the inspection year a grade was carried over from ("2016/17").
* findings: [{kind, section, text, timescale, parent, line, theme}] plus, when they apply:
  - stem: the lead-in or stem a part continues ("Within three months, the force should:"),
    kept apart from the text; show both together.
  - addressee: for national recommendations, "all forces", "forces" or "chief constables".
  kind is area_for_improvement, cause_of_concern, recommendation, national_recommendation
  (addressed to forces in general) or other (an improvement point listed in narrative).
  text is a contiguous passage of the source in its own words: only whitespace and list
  markers are normalised and a part's joining punctuation ("; and") left off; nothing is
  capitalised, joined to its stem or reworded. timescale is copied from the text or stem
  without being removed from it. parent is the index of the cause of concern a recommendation
  answers.

tests/inspections/corpus/ holds real documents of every cycle with answer keys written from
them; tests/inspections/test_corpus.py scores the reading against them.
"""

# plan is not re-exported: it imports the models, and the reading stages are pure Python with
# no Django imports so that anything can use them without a configured project.
from .extract import ReportUnreadable, extract_text
from .report import parse_report, parse_report_file

__all__ = ["ReportUnreadable", "extract_text", "parse_report", "parse_report_file"]
