"""What each cleanup rule drops, judged against the ground truth.

RuleProbe wraps every rule of worker.core.cleanup.RULES (read when installed, as rules get renamed) and records,
page by page, the paragraphs each one drops and the paragraphs that survive them all. `attribute` then sorts
every dropped paragraph, with lower-cased words (bench.metric.words):
- against the reference text: `in truth` when at least TRUTH_SHARE of its shingles are the reference's, `junk`
  otherwise; an in-truth paragraph is `lost` unless the surviving text has it too (a repeat dropped is no loss);
- against WCXB's snippets: `with lost` when it holds a must-contain snippet that the surviving text lacks,
  `without removed` when it holds a must-not-contain snippet. ScrapingHub has no snippets.
Paragraphs a rule rewrites rather than drops count as dropped in their old form.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from bench.datasets import BenchPage
from bench.metric import SHINGLE, words

TRUTH_SHARE = 0.5  # "mostly": most of a paragraph's shingles are in the reference
COLUMNS = ("dropped", "lost", "junk", "with_lost", "without_removed")


@dataclass
class PageDrops:
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (rule name, paragraph)
    survivors: list[str] = field(default_factory=list)  # the last rule's output


class RuleProbe:
    def __init__(self) -> None:
        self.pages: list[PageDrops] = []
        self.rule_names: list[str] = []

    def next_page(self) -> None:
        self.pages.append(PageDrops())

    @contextmanager
    def installed(self) -> Iterator[RuleProbe]:
        """cleanup.RULES replaced by recording wrappers, in this process, until the block ends."""
        from worker.core import cleanup

        original = cleanup.RULES
        self.rule_names = [_name(rule) for rule in original]
        cleanup.RULES = tuple(self._wrap(rule) for rule in original)
        try:
            yield self
        finally:
            cleanup.RULES = original

    def _wrap(self, rule: Callable) -> Callable:
        name = _name(rule)

        def recorded(paragraphs: list[str], context: object) -> list[str]:
            kept = rule(paragraphs, context)
            page = self.pages[-1]
            page.dropped += [(name, p) for p in (Counter(paragraphs) - Counter(kept)).elements()]
            page.survivors = list(kept)
            return kept

        return recorded


def _name(rule: Callable) -> str:
    return getattr(rule, "__name__", repr(rule))


class _Text:
    """A text's words, padded for phrase search, and its n-grams by width, built when first asked for."""

    def __init__(self, text: str) -> None:
        self.words = words(text)
        self.padded = f" {' '.join(self.words)} "
        self._grams: dict[int, set[tuple[str, ...]]] = {}

    def grams(self, width: int) -> set[tuple[str, ...]]:
        if width not in self._grams:
            self._grams[width] = {tuple(self.words[i : i + width]) for i in range(len(self.words) - width + 1)}
        return self._grams[width]

    def has_phrase(self, phrase: str) -> bool:
        needle = " ".join(words(phrase))
        return bool(needle) and f" {needle} " in self.padded


def _share_in(paragraph: list[str], text: _Text) -> float:
    """The share of the paragraph's shingles (its whole self when shorter than one) found in the text."""
    width = min(SHINGLE, len(paragraph))
    windows = [tuple(paragraph[i : i + width]) for i in range(len(paragraph) - width + 1)]
    grams = text.grams(width)
    return sum(window in grams for window in windows) / len(windows)


def attribute(pages: Sequence[BenchPage], drops: Sequence[PageDrops], rule_names: Sequence[str]) -> dict[str, dict]:
    """Per rule, the counts of COLUMNS over the pages; the snippet columns are None where no page has snippets."""
    table = {name: Counter() for name in rule_names}
    for page, record in zip(pages, drops, strict=True):
        truth, survivors = _Text(page.truth), _Text("\n".join(record.survivors))
        for rule, paragraph in record.dropped:
            table.setdefault(rule, Counter()).update(_judge(paragraph, page, truth, survivors))
    snippets = any(page.must_have or page.must_not for page in pages)
    return {
        name: {col: counts[col] if snippets or not col.startswith("with") else None for col in COLUMNS}
        for name, counts in table.items()
    }


def _judge(paragraph: str, page: BenchPage, truth: _Text, survivors: _Text) -> list[str]:
    tokens = words(paragraph)
    if not tokens:
        return ["dropped"]
    verdicts = ["dropped"]
    if _share_in(tokens, truth) >= TRUTH_SHARE:
        if _share_in(tokens, survivors) < TRUTH_SHARE:
            verdicts.append("lost")
    else:
        verdicts.append("junk")
    text = _Text(paragraph)
    if any(text.has_phrase(s) and not survivors.has_phrase(s) for s in page.must_have):
        verdicts.append("with_lost")
    if any(text.has_phrase(s) for s in page.must_not):
        verdicts.append("without_removed")
    return verdicts


def rule_table(scope: str, table: dict[str, dict]) -> str:
    header = f"{'rule':<20} | {'dropped':>7} | {'lost':>5} | {'junk':>5} | {'with lost':>9} | {'without removed':>15}"
    title = (f"paragraphs each cleanup rule of ours drops, {scope} (lost: in the reference and nowhere else in "
             "the output; junk: not in the reference; with/without: WCXB snippets)")
    rows = [title, header, "-" * len(header)]
    for name, counts in table.items():
        cells = [_cell(counts[col], width) for col, width in zip(COLUMNS, (7, 5, 5, 9, 15), strict=True)]
        rows.append(f"{name:<20} | " + " | ".join(cells))
    return "\n".join(rows)


def _cell(value: int | None, width: int) -> str:
    return f"{'–' if value is None else value:>{width}}"
