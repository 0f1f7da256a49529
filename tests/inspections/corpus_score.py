"""Score the importer against the real-document corpus in tests/inspections/corpus/.

Each document is a short excerpt of a published HMICFRS page (see corpus/LICENCE.md) with an
answer key beside it, written from the document: the force, programme and publication month
when the document states them, every graded judgment, every finding with its kind and the
source's own words, and for news stories and press releases that the upload is refused.

Every statement in a key is one item; so is every judgment or finding the importer reports
that the key does not have (an invented item can only lose points). The score is the share of
items the importer gets right. Run ``python -m tests.inspections.corpus_score`` for the table.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from inspections.importer import ReportUnreadable, parse_report_file
from inspections.importer.extract import PRESS_RELEASE

CORPUS = Path(__file__).resolve().parent / "corpus"


@dataclass
class DocumentScore:
    name: str
    about: str
    cycle: str
    passed: int = 0
    total: int = 0
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, failure: str) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        else:
            self.failures.append(failure)

    @property
    def perfect(self) -> bool:
        return self.passed == self.total


def documents() -> list[Path]:
    """The corpus documents: every text or web page with an answer key beside it."""
    return sorted(
        path
        for path in CORPUS.iterdir()
        if path.suffix in (".txt", ".html") and path.with_suffix(".json").exists()
    )


def key_of(path: Path) -> dict:
    return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))


def _words(text: str | None) -> str:
    """Whitespace normalised, without the list punctuation around a part or quotation marks."""
    text = " ".join((text or "").split())
    text = text.strip().strip("\"“”'‘’").strip()
    text = re.sub(r"(\s*[;,]?\s+(and|or))?\s*[.;,:]?$", "", text)
    return text.strip()


def _same(a: str | None, b: str | None) -> bool:
    return _words(a) == _words(b)


def score(path: Path) -> DocumentScore:
    key = key_of(path)
    result = DocumentScore(path.stem, key.get("about", ""), key.get("cycle", ""))
    data = path.read_bytes()
    try:
        parsed = parse_report_file(data, path.name)
    except ReportUnreadable as error:
        parsed = None
        refusal = str(error)
    if key["refused"]:
        result.check(parsed is None, "should be refused, but was read")
        if parsed is None and key["document"] in ("news", "press release"):
            result.check(
                refusal == PRESS_RELEASE, f"refused as {refusal!r}, not as a press release"
            )
        if parsed is not None:
            for judgment in parsed["judgments"]:
                result.check(False, f"invented judgment {_judgment_row(judgment)}")
            for finding in parsed["findings"]:
                result.check(False, f"invented {finding['kind']}: {finding['text'][:80]!r}")
        return result
    result.check(parsed is not None, f"refused: {refusal if parsed is None else ''}")
    if parsed is None:
        # Nothing was read: every item of the key is missed.
        for _ in _key_items(key):
            result.check(False, "not read")
        return result
    for name in ("force", "programme", "published"):
        if key.get(name):
            result.check(
                parsed.get(name) == key[name], f"{name}: {parsed.get(name)!r} != {key[name]!r}"
            )
    _score_judgments(result, key, parsed)
    _score_findings(result, key, parsed, _source_words(data))
    return result


def _key_items(key: dict):
    for name in ("force", "programme", "published"):
        if key.get(name):
            yield name
    yield from key["judgments"]
    for finding in key["findings"]:
        yield finding
        for detail in ("stem", "timescale", "parent", "addressee", "section"):
            if detail in finding:
                yield detail


def _judgment_row(judgment: dict) -> list:
    return [
        judgment["pillar"],
        judgment["question"],
        judgment["grade"],
        judgment["last_inspected"],
    ]


def _score_judgments(result: DocumentScore, key: dict, parsed: dict) -> None:
    rows = [_judgment_row(judgment) for judgment in parsed["judgments"]]
    for expected in key["judgments"]:
        if expected in rows:
            rows.remove(expected)
            result.check(True, "")
        else:
            result.check(False, f"missing judgment {expected}")
    for extra in rows:
        result.check(False, f"extra judgment {extra}")


def _source_words(data: bytes) -> str:
    """The source without whitespace or list markers, for checking a text is its own words."""
    return _compact(data.decode("utf-8"))


def _compact(text: str) -> str:
    text = re.sub(r"(?m)^\s*(?:[•●▪■◦‣∙]|[-–*]\s|\(?(?:\d{1,2}|[a-z])[.)]\s)", " ", text)
    return re.sub(r"[\s•●▪■◦‣∙]+", "", text)


def _score_findings(result: DocumentScore, key: dict, parsed: dict, source: str) -> None:
    found = parsed["findings"]
    matched: dict[int, int] = {}  # key index -> parsed index
    for index, expected in enumerate(key["findings"]):
        candidates = [
            position
            for position, finding in enumerate(found)
            if position not in matched.values()
            and finding["kind"] == expected["kind"]
            and _same(finding["text"], expected["text"])
        ]
        if not candidates:
            near = [f["text"][:90] for f in found if f["kind"] == expected["kind"]]
            result.check(
                False,
                f"missing {expected['kind']}: {expected['text'][:90]!r}"
                + (f" (read: {near})" if near else ""),
            )
            for detail in ("stem", "timescale", "parent", "addressee", "section"):
                if detail in expected:
                    result.check(False, f"  ... so its {detail} too")
            continue
        position = candidates[0]
        matched[index] = position
        finding = found[position]
        contiguous = _compact(finding["text"]) in source
        result.check(contiguous, f"text is not the source's own words: {finding['text'][:90]!r}")
        if "stem" in expected:
            result.check(
                _same(finding.get("stem"), expected["stem"]),
                f"stem {finding.get('stem')!r} != {expected['stem']!r}",
            )
        if "timescale" in expected:
            result.check(
                (finding.get("timescale") or "").lower() == expected["timescale"].lower(),
                f"timescale {finding.get('timescale')!r} != {expected['timescale']!r}",
            )
        if "addressee" in expected:
            result.check(
                (finding.get("addressee") or "").lower() == expected["addressee"].lower(),
                f"addressee {finding.get('addressee')!r} != {expected['addressee']!r}",
            )
        if "section" in expected:
            result.check(
                (finding.get("section") or "").lower() == expected["section"].lower(),
                f"section {finding.get('section')!r} != {expected['section']!r}",
            )
    for index, expected in enumerate(key["findings"]):
        if "parent" not in expected or index not in matched:
            continue
        parent = found[matched[index]].get("parent")
        result.check(
            parent is not None and matched.get(expected["parent"]) == parent,
            f"parent of {expected['text'][:50]!r} is not the cause of concern it answers",
        )
    for position, finding in enumerate(found):
        if position not in matched.values():
            result.check(False, f"extra {finding['kind']}: {finding['text'][:90]!r}")


def score_corpus() -> list[DocumentScore]:
    return [score(path) for path in documents()]


def summary(scores: list[DocumentScore]) -> str:
    passed = sum(s.passed for s in scores)
    total = sum(s.total for s in scores)
    forces = {s.about for s in scores if s.about != "national"}
    perfect = sum(1 for s in scores if s.perfect)
    return (
        f"Real-document corpus: {len(scores)} documents about {len(forces)} forces; "
        f"{perfect} read perfectly; score {100 * passed / total:.1f}% ({passed}/{total} items)"
    )


def report(scores: list[DocumentScore]) -> str:
    lines = []
    for s in scores:
        lines.append(f"{100 * s.passed / s.total:5.0f}%  {s.passed:3}/{s.total:<3} {s.name}")
        lines.extend(f"         - {failure}" for failure in s.failures)
    lines.append(summary(scores))
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(score_corpus()))
