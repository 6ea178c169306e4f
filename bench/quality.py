"""Extraction quality on the ScrapingHub article-extraction benchmark: our pipeline beside stock trafilatura.

    python bench/quality.py [--limit N] [--json PATH] [--worse PATH] [--only ours]

Scores every extractor on the same pages with the benchmark's shingle metric (see bench/metric.py) and
prints F1, precision, recall, accuracy and the median time per page. Exits 0 with a message when the
dataset (../shared/datasets/scrapinghub next to the repo) is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import base64  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import orjson  # noqa: E402

from bench.metric import exact, page_f1, page_scores, shingles, summarize, tokens  # noqa: E402

DATASET = ROOT.parent / "shared" / "datasets" / "scrapinghub"
DIFF_CHARS = 300


@dataclass(frozen=True, slots=True)
class BenchPage:
    sha: str
    url: str
    truth: str
    raw: bytes  # the page as crawled, undecoded


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str
    prepare: Callable[[BenchPage, int], object]  # untimed: build the input
    run: Callable[[object], object]  # timed
    output: Callable[[object], tuple[str, str | None]]  # untimed: result -> (text, dead-letter reason)


@dataclass
class Result:
    name: str
    texts: list[str] = field(default_factory=list)
    scores: list[tuple[float, float, bool]] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    dead_letters: Counter = field(default_factory=Counter)

    def summary(self) -> dict[str, float]:
        numbers = summarize(self.scores)
        numbers["median_ms"] = 1000 * statistics.median(self.seconds) if self.seconds else 0.0
        numbers["pages"] = len(self.scores)
        return numbers


# --- extractors -----------------------------------------------------------------------------------


def _strip_front_matter(text: str) -> str:
    """extract(with_metadata=True) in txt format prepends a `---` YAML block of metadata: not article text."""
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            return text[end + 5 :]
    return text


def _stock(fast: bool) -> Extractor:
    import trafilatura

    def run(page: BenchPage) -> str | None:
        return trafilatura.extract(page.raw, url=page.url, fast=fast, with_metadata=True)

    def output(text: str | None) -> tuple[str, None]:
        return _strip_front_matter(text or ""), None

    return Extractor("stock_fast" if fast else "stock_default", lambda page, i: page, run, output)


def _ours() -> Extractor:
    from worker.core.model import Article, DeadLetter, Origin, RawRecord
    from worker.task import Extract

    def prepare(page: BenchPage, i: int) -> RawRecord:
        value = orjson.dumps({"url": page.url, "body": base64.b64encode(page.raw).decode()})
        return RawRecord(origin=Origin("bench", 0, i), key=None, value=value)

    def output(outcome: object) -> tuple[str, str | None]:
        if isinstance(outcome, Article):
            return outcome.text, None
        if isinstance(outcome, DeadLetter):
            return "", str(outcome.reason)
        return "", f"unexpected {type(outcome).__name__}"

    return Extractor("ours", prepare, Extract(), output)


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "stock_default": lambda: _stock(fast=False),
    "stock_fast": lambda: _stock(fast=True),
    "ours": _ours,
}


# --- loading and scoring --------------------------------------------------------------------------


def load_pages(dataset: Path = DATASET, limit: int | None = None) -> list[BenchPage]:
    truth = json.loads((dataset / "ground-truth.json").read_text(encoding="utf-8"))
    hashes = sorted(truth)[:limit] if limit is not None else sorted(truth)
    return [
        BenchPage(sha, truth[sha]["url"], truth[sha]["articleBody"],
                  gzip.decompress((dataset / "html" / f"{sha}.html.gz").read_bytes()))
        for sha in hashes
    ]


def evaluate(extractor: Extractor, pages: list[BenchPage]) -> Result:
    result = Result(extractor.name)
    for i, page in enumerate(pages):
        arg = extractor.prepare(page, i)
        start = time.perf_counter()
        try:
            raw = extractor.run(arg)
            failed = None
        except Exception as err:  # an extractor that raises predicts nothing
            raw, failed = None, f"raised {type(err).__name__}"
        result.seconds.append(time.perf_counter() - start)
        text, reason = ("", failed) if failed else extractor.output(raw)
        if reason:
            result.dead_letters[reason] += 1
        result.texts.append(text)
        precision, recall = page_scores(text, page.truth)
        result.scores.append((precision, recall, exact(text, page.truth)))
    return result


# --- reporting ------------------------------------------------------------------------------------


def table(results: list[Result]) -> str:
    rows = [f"{'extractor':<14} | {'F1':>6} | {'precision':>9} | {'recall':>6} | {'accuracy':>8} | {'median ms/page':>14}"]
    rows.append("-" * len(rows[0]))
    for result in results:
        s = result.summary()
        rows.append(f"{result.name:<14} | {s['f1']:6.3f} | {s['precision']:9.3f} | {s['recall']:6.3f} | "
                    f"{s['accuracy']:8.3f} | {s['median_ms']:14.1f}")
    return "\n".join(rows)


def _unmatched_runs(text: str, other: str) -> str:
    """The token runs of `text` covered by shingles that `other` lacks (multiset difference), as text."""
    toks = tokens(text)
    remaining = shingles(other)
    marked = [False] * len(toks)
    width = min(4, len(toks))
    for i in range(max(0, len(toks) - width + 1) if toks else 0):
        shingle = tuple(toks[i : i + width])
        if remaining[shingle] > 0:
            remaining[shingle] -= 1
        else:
            marked[i : i + width] = [True] * width
    runs, current = [], []
    for tok, mark in zip(toks, marked, strict=True):
        if mark:
            current.append(tok)
        elif current:
            runs.append(" ".join(current))
            current = []
    if current:
        runs.append(" ".join(current))
    joined = " … ".join(runs)
    return joined[:DIFF_CHARS] + ("…" if len(joined) > DIFF_CHARS else "")


def worse_report(pages: list[BenchPage], ours: Result, stock: Result) -> tuple[str, int]:
    """Pages where our page-F1 is below stock default's, largest loss first."""
    rows = []
    for i in range(len(pages)):
        (op, orec, _), (sp, srec, _) = ours.scores[i], stock.scores[i]
        loss = page_f1(sp, srec) - page_f1(op, orec)
        if loss > 0:
            rows.append((loss, i))
    rows.sort(key=lambda row: -row[0])
    out = [f"{len(rows)} of {len(pages)} pages where ours has a lower page-F1 than stock_default, worst first.", ""]
    for rank, (loss, i) in enumerate(rows, 1):
        page, (op, orec, _), (sp, srec, _) = pages[i], ours.scores[i], stock.scores[i]
        out += [
            f"#{rank} {page.sha}  F1 loss {loss:.3f}",
            f"  url:   {page.url}",
            f"  ours:  P={op:.3f} R={orec:.3f} F1={page_f1(op, orec):.3f}"
            + ("  (dead letter)" if not ours.texts[i] else ""),
            f"  stock: P={sp:.3f} R={srec:.3f} F1={page_f1(sp, srec):.3f}",
            f"  ours adds (not in truth): {_unmatched_runs(ours.texts[i], page.truth) or '-'}",
            f"  ours lacks (in truth):    {_unmatched_runs(page.truth, ours.texts[i]) or '-'}",
            "",
        ]
    return "\n".join(out), len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, help="only the first N pages, sorted by hash")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--worse", type=Path, help="write the pages where ours scores below stock default")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append",
                        help="run only this extractor (repeatable); e.g. --only ours skips the stock runs")
    parser.add_argument("--dataset", type=Path, default=DATASET, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if not (args.dataset / "ground-truth.json").is_file():
        print(f"dataset not found, skipping (looked for {args.dataset})")
        return 0
    names = [name for name in EXTRACTORS if not args.only or name in args.only]
    if args.worse and not {"ours", "stock_default"} <= set(names):
        parser.error("--worse needs both ours and stock_default")

    pages = load_pages(args.dataset, args.limit)
    results = []
    for name in names:
        print(f"running {name} on {len(pages)} pages…", file=sys.stderr, flush=True)
        results.append(evaluate(EXTRACTORS[name](), pages))
    by_name = {result.name: result for result in results}

    print(f"{len(pages)} pages from {args.dataset}")
    print(table(results))
    if "ours" in by_name:
        dead = by_name["ours"].dead_letters
        print("ours dead letters: " + (", ".join(f"{k}={v}" for k, v in sorted(dead.items())) or "none"))
    if args.worse:
        report, count = worse_report(pages, by_name["ours"], by_name["stock_default"])
        args.worse.write_text(report, encoding="utf-8")
        print(f"{count} pages worse than stock_default written to {args.worse}")
    if args.json:
        numbers = {
            "pages": len(pages),
            "extractors": {r.name: r.summary() for r in results},
            "dead_letters": {r.name: dict(r.dead_letters) for r in results if r.dead_letters},
        }
        args.json.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
