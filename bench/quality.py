"""Extraction quality on the two dev sets: our pipeline beside stock trafilatura and rs-trafilatura.

    python bench/quality.py [--set scrapinghub|wcxb] [--limit N] [--every N] [--only NAME ...] [--json PATH]
                            [--worse PATH]

Runs each extractor on the same pages of ../shared/datasets (next to the repo; a set that is absent is skipped
with a message) and prints:
- ScrapingHub (181 articles): the benchmark's shingle F1, precision, recall, accuracy (bench/metric.py), empty
  outputs, median ms per page;
- WCXB dev (1,497 pages of 7 types): mean word F1 overall and per page type, word precision and recall, empty
  outputs (overall and on articles), title, author and date accuracy (defined in bench/metric.py), median ms
  per page; for ours, the share of each page type it publishes. Every WCXB number is given for the whole set
  and for each half of it, "tune" and "check", split by site (bench/datasets.py): a change that helps on tune
  only is fitted to those sites;
- for ours, what each cleanup rule drops, judged against the ground truth (bench/rules.py), per set and half.

Extractors: ours (worker.task.Extract as deployed, refusing non-articles), ours_all_types (ours with every page
type published), stock_default and stock_fast (trafilatura.extract with metadata, as JSON), rs_trafilatura (the
bench extra: pip install -e '.[bench]').
Times cover the extraction call only: building its input and scoring are outside.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import base64  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from contextlib import nullcontext  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

import orjson  # noqa: E402

from bench import datasets  # noqa: E402
from bench.datasets import ARTICLE, HALVES, SCRAPINGHUB, WCXB, BenchPage  # noqa: E402
from bench.metric import (  # noqa: E402
    author_matches,
    date_matches,
    exact,
    page_f1,
    page_scores,
    shingles,
    summarize,
    title_matches,
    tokens,
    word_scores,
)
from bench.rules import RuleProbe, attribute, rule_table  # noqa: E402

DATASETS = ROOT.parent / "shared" / "datasets"
DIFF_CHARS = 300  # of each text run shown in the --worse report
PAGE_TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")  # WCXB's


@dataclass(frozen=True, slots=True)
class Prediction:
    text: str = ""
    title: str | None = None
    authors: tuple[str, ...] = ()
    date: str | None = None
    dead_letter: str | None = None  # why ours did not publish; "raised X" for an extractor that raised


@dataclass(frozen=True, slots=True)
class Extractor:
    name: str
    prepare: Callable[[BenchPage, int], object]  # untimed: build the input
    run: Callable[[object], object]  # timed
    output: Callable[[object], Prediction]  # untimed: the result read
    publishes: bool = False  # its outcome is an Article or a DeadLetter: the share published is reported
    probes_rules: bool = False  # record what each cleanup rule drops (the wrappers' cost is in its time)


@dataclass
class Run:
    name: str
    predictions: list[Prediction] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    publishes: bool = False

    def dead_letters(self, indices: Sequence[int] | None = None) -> Counter:
        picked = self.predictions if indices is None else [self.predictions[i] for i in indices]
        return Counter(p.dead_letter for p in picked if p.dead_letter)


class Unavailable(Exception):
    """The extractor cannot run here: the message says why (printed as "n/a")."""


# --- extractors -----------------------------------------------------------------------------------


def _untouched(page: BenchPage, i: int) -> BenchPage:
    return page


def _stock(fast: bool) -> Extractor:
    import trafilatura

    def run(page: BenchPage) -> str | None:
        # JSON carries the metadata beside the same text as the txt format (compared on sample pages)
        return trafilatura.extract(page.raw, url=page.url, fast=fast, with_metadata=True, output_format="json")

    def output(result: str | None) -> Prediction:
        if result is None:
            return Prediction()
        doc = json.loads(result)
        author = doc.get("author") or ""
        return Prediction(doc.get("text") or "", doc.get("title"), (author,) if author else (), doc.get("date"))

    return Extractor("stock_fast" if fast else "stock_default", _untouched, run, output)


def _rs_trafilatura() -> Extractor:
    try:
        import rs_trafilatura
    except ImportError as err:
        raise Unavailable("not installed: pip install -e '.[bench]'") from err

    def run(page: BenchPage) -> object:
        return rs_trafilatura.extract_bytes(page.raw, url=page.url)

    def output(result) -> Prediction:
        author = result.author or ""
        return Prediction(result.main_content or "", result.title, (author,) if author else (), result.date)

    return Extractor("rs_trafilatura", _untouched, run, output)


def _ours(all_types: bool = False) -> Extractor:
    from worker.core.model import Article, DeadLetter, Origin, PageType, RawRecord
    from worker.core.timestamps import page_local
    from worker.task import Extract

    extract = Extract(page_types=frozenset(PageType)) if all_types else Extract()

    def prepare(page: BenchPage, i: int) -> RawRecord:
        value = orjson.dumps({"url": page.url, "body": base64.b64encode(page.raw).decode()})
        return RawRecord(origin=Origin("bench", 0, i), key=None, value=value)

    def output(outcome: object) -> Prediction:
        if isinstance(outcome, Article):
            # the page's own day, which the gold dates give, not the UTC one
            published = outcome.published_at and page_local(outcome.published_at, outcome.published_offset)
            return Prediction(outcome.text, outcome.title, outcome.authors, published)
        if isinstance(outcome, DeadLetter):
            return Prediction(dead_letter=str(outcome.reason))
        return Prediction(dead_letter=f"unexpected {type(outcome).__name__}")

    name = "ours_all_types" if all_types else "ours"
    return Extractor(name, prepare, extract, output, publishes=True, probes_rules=not all_types)


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "ours": _ours,
    "ours_all_types": lambda: _ours(all_types=True),
    "stock_default": lambda: _stock(fast=False),
    "stock_fast": lambda: _stock(fast=True),
    "rs_trafilatura": _rs_trafilatura,
}


# --- running ----------------------------------------------------------------------------------------


def evaluate(extractor: Extractor, pages: Sequence[BenchPage], probe: RuleProbe | None = None) -> Run:
    """Every page through the extractor, in order; `probe` records what the cleanup rules drop."""
    run = Run(extractor.name, publishes=extractor.publishes)
    with probe.installed() if probe else nullcontext():
        for i, page in enumerate(pages):
            arg = extractor.prepare(page, i)
            if probe:
                probe.next_page()
            start = time.perf_counter()
            try:
                result, failed = extractor.run(arg), None
            except Exception as err:  # an extractor that raises predicts nothing
                result, failed = None, f"raised {type(err).__name__}"
            run.seconds.append(time.perf_counter() - start)
            run.predictions.append(Prediction(dead_letter=failed) if failed else extractor.output(result))
    return run


def _median_ms(seconds: Sequence[float]) -> float:
    return 1000 * statistics.median(seconds) if seconds else 0.0


def _is_empty(text: str) -> bool:
    return not tokens(text)


# --- scoring: ScrapingHub -------------------------------------------------------------------------


def scrapinghub_scores(pages: Sequence[BenchPage], run: Run) -> list[tuple[float, float, bool]]:
    return [
        (*page_scores(p.text, page.truth), exact(p.text, page.truth))
        for page, p in zip(pages, run.predictions, strict=True)
    ]


def scrapinghub_summary(pages: Sequence[BenchPage], run: Run) -> dict:
    numbers = summarize(scrapinghub_scores(pages, run))
    numbers.update(
        empty=sum(_is_empty(p.text) for p in run.predictions),
        median_ms=_median_ms(run.seconds),
        pages=len(pages),
        dead_letters=dict(run.dead_letters()),
    )
    return numbers


# --- scoring: WCXB ------------------------------------------------------------------------------------


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _accuracy(pages: Sequence[BenchPage], predictions: Sequence[Prediction], has: Callable, hit: Callable) -> dict:
    scored = [hit(p, page) for page, p in zip(pages, predictions, strict=True) if has(page)]
    return {"accuracy": _mean(scored), "pages": len(scored)}


def wcxb_summary(pages: Sequence[BenchPage], run: Run, indices: Sequence[int]) -> dict:
    """Every WCXB number of one run over the pages at `indices` (the whole set or a half)."""
    picked = [pages[i] for i in indices]
    predictions = [run.predictions[i] for i in indices]
    scores = [word_scores(p.text, page.truth) for page, p in zip(picked, predictions, strict=True)]
    by_type = {kind: [i for i, page in enumerate(picked) if page.page_type == kind] for kind in PAGE_TYPES}
    numbers = {
        "pages": len(picked),
        "f1": _mean([s[2] for s in scores]),
        "precision": _mean([s[0] for s in scores]),
        "recall": _mean([s[1] for s in scores]),
        "f1_by_type": {kind: _mean([scores[i][2] for i in at]) for kind, at in by_type.items()},
        "recall_by_type": {kind: _mean([scores[i][1] for i in at]) for kind, at in by_type.items()},
        "empty": sum(_is_empty(p.text) for p in predictions),
        "empty_article": sum(_is_empty(predictions[i].text) for i in by_type[ARTICLE]),
        "title": _accuracy(picked, predictions, lambda g: g.title, lambda p, g: title_matches(p.title, g.title)),
        "author": _accuracy(picked, predictions, lambda g: g.author, lambda p, g: author_matches(p.authors, g.author)),
        "date": _accuracy(picked, predictions, lambda g: g.date, lambda p, g: date_matches(p.date, g.date)),
        "median_ms": _median_ms([run.seconds[i] for i in indices]),
        "dead_letters": dict(run.dead_letters(indices)),
    }
    if run.publishes:
        numbers["published_by_type"] = {
            kind: _mean([predictions[i].dead_letter is None for i in at]) for kind, at in by_type.items()
        }
    return numbers


def scopes(pages: Sequence[BenchPage]) -> dict[str, list[int]]:
    """The whole set, then each half, as page indices."""
    whole = {"all": list(range(len(pages)))}
    return whole | {half: [i for i, page in enumerate(pages) if page.half == half] for half in HALVES}


# --- reporting ------------------------------------------------------------------------------------


def _num(value: float | None, width: int, digits: int = 3) -> str:
    return f"{'–' if value is None else f'{value:.{digits}f}':>{width}}"


def scrapinghub_table(summaries: dict[str, dict]) -> str:
    header = (f"{'extractor':<15} | {'F1':>6} | {'precision':>9} | {'recall':>6} | {'accuracy':>8} | {'empty':>5} | "
              f"{'median ms/page':>14}")
    rows = [header, "-" * len(header)]
    for name, s in summaries.items():
        rows.append(f"{name:<15} | {s['f1']:6.3f} | {s['precision']:9.3f} | {s['recall']:6.3f} | "
                    f"{s['accuracy']:8.3f} | {s['empty']:5d} | {s['median_ms']:14.1f}")
    return "\n".join(rows)


TYPE_LABELS = ("article", "service", "product", "collect", "forum", "listing", "docs")  # PAGE_TYPES, 7 wide


def wcxb_text_table(summaries: dict[str, dict]) -> str:
    header = f"{'word F1':<15} | {'all':>5} | {'P':>5} | {'R':>5} | " + " | ".join(f"{t:>7}" for t in TYPE_LABELS)
    rows = [header, "-" * len(header)]
    for name, s in summaries.items():
        by_type = " | ".join(_num(s["f1_by_type"][kind], 7) for kind in PAGE_TYPES)
        rows.append(f"{name:<15} | {_num(s['f1'], 5)} | {_num(s['precision'], 5)} | {_num(s['recall'], 5)} | {by_type}")
    return "\n".join(rows)


META_FIELDS = ("title", "author", "date")


def wcxb_meta_table(summaries: dict[str, dict], pages: Sequence[BenchPage]) -> str:
    """Empty outputs and metadata accuracy; each field's header says over how many pages it is scored."""
    scored = {f: sum(bool(getattr(page, f)) for page in pages) for f in META_FIELDS}
    header = (f"{'extractor':<15} | {'empty':>5} | {'empty art.':>10} | "
              + " | ".join(f"{f} ({scored[f]})".rjust(13) for f in META_FIELDS) + f" | {'median ms/page':>14}")
    rows = [header, "-" * len(header)]
    for name, s in summaries.items():
        accuracies = " | ".join(_num(s[f]["accuracy"], 13) for f in META_FIELDS)
        rows.append(f"{name:<15} | {s['empty']:5d} | {s['empty_article']:10d} | {accuracies} | {s['median_ms']:14.1f}")
    return "\n".join(rows)


def published_lines(summaries: dict[str, dict]) -> list[str]:
    return [
        f"{name} published: " + ", ".join(f"{kind} {_num(share, 0, 2).strip()}" for kind, share in
                                          s["published_by_type"].items())
        for name, s in summaries.items() if "published_by_type" in s
    ]


def dead_letter_lines(summaries: dict[str, dict]) -> list[str]:
    return [
        f"{name} dead letters: " + ", ".join(f"{k}={v}" for k, v in sorted(s["dead_letters"].items()))
        for name, s in summaries.items() if s["dead_letters"]
    ]


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


def worse_report(pages: Sequence[BenchPage], ours: Run, stock: Run) -> tuple[str, int]:
    """ScrapingHub pages where our page-F1 is below stock default's, largest loss first."""
    ours_scores, stock_scores = scrapinghub_scores(pages, ours), scrapinghub_scores(pages, stock)
    rows = []
    for i in range(len(pages)):
        (op, orec, _), (sp, srec, _) = ours_scores[i], stock_scores[i]
        loss = page_f1(sp, srec) - page_f1(op, orec)
        if loss > 0:
            rows.append((loss, i))
    rows.sort(key=lambda row: -row[0])
    out = [f"{len(rows)} of {len(pages)} pages where ours has a lower page-F1 than stock_default, worst first.", ""]
    for rank, (loss, i) in enumerate(rows, 1):
        page, (op, orec, _), (sp, srec, _) = pages[i], ours_scores[i], stock_scores[i]
        text = ours.predictions[i].text
        out += [
            f"#{rank} {page.key}  F1 loss {loss:.3f}",
            f"  url:   {page.url}",
            f"  ours:  P={op:.3f} R={orec:.3f} F1={page_f1(op, orec):.3f}" + ("  (dead letter)" if not text else ""),
            f"  stock: P={sp:.3f} R={srec:.3f} F1={page_f1(sp, srec):.3f}",
            f"  ours adds (not in truth): {_unmatched_runs(text, page.truth) or '-'}",
            f"  ours lacks (in truth):    {_unmatched_runs(page.truth, text) or '-'}",
            "",
        ]
    return "\n".join(out), len(rows)


# --- one set ----------------------------------------------------------------------------------------


def run_set(name: str, pages: list[BenchPage], extractors: Sequence[str]) -> tuple[dict, dict[str, Run]]:
    """Runs the extractors on the set's pages, prints its report, returns its numbers and the runs."""
    runs, unavailable, probe = {}, {}, RuleProbe()
    for extractor_name in extractors:
        try:
            extractor = EXTRACTORS[extractor_name]()
        except Unavailable as why:
            unavailable[extractor_name] = str(why)
            continue
        print(f"{name}: running {extractor_name} on {len(pages)} pages…", file=sys.stderr, flush=True)
        runs[extractor_name] = evaluate(extractor, pages, probe if extractor.probes_rules else None)
    for extractor_name, why in unavailable.items():
        print(f"{name}: {extractor_name}: n/a ({why})")
    report = _report_scrapinghub if name == SCRAPINGHUB else _report_wcxb
    numbers = report(pages, runs, probe if probe.pages else None)
    numbers["unavailable"] = unavailable
    return numbers, runs


def _print_lines(lines: Sequence[str]) -> None:
    if lines:
        print("\n".join(lines))


def _rules(pages: Sequence[BenchPage], probe: RuleProbe, indices: Sequence[int]) -> dict:
    return attribute([pages[i] for i in indices], [probe.pages[i] for i in indices], probe.rule_names)


def _report_scrapinghub(pages: list[BenchPage], runs: dict[str, Run], probe: RuleProbe | None) -> dict:
    summaries = {name: scrapinghub_summary(pages, run) for name, run in runs.items()}
    print(f"== scrapinghub: {len(pages)} pages, shingle metric")
    print(scrapinghub_table(summaries))
    _print_lines(dead_letter_lines(summaries))
    numbers = {"pages": len(pages), "extractors": summaries}
    if probe:
        numbers["rules"] = _rules(pages, probe, range(len(pages)))
        print(rule_table("scrapinghub", numbers["rules"]))
    print()
    return numbers


def _report_wcxb(pages: list[BenchPage], runs: dict[str, Run], probe: RuleProbe | None) -> dict:
    numbers = {}
    for scope, indices in scopes(pages).items():
        summaries = {name: wcxb_summary(pages, run, indices) for name, run in runs.items()}
        types = Counter(pages[i].page_type for i in indices)
        print(f"== wcxb-dev, {scope}: {len(indices)} pages ("
              + ", ".join(f"{kind} {types[kind]}" for kind in PAGE_TYPES) + ")")
        print(wcxb_text_table(summaries))
        print(wcxb_meta_table(summaries, [pages[i] for i in indices]))
        _print_lines(published_lines(summaries) + dead_letter_lines(summaries))
        numbers[scope] = {"pages": len(indices), "extractors": summaries}
        if probe:
            numbers[scope]["rules"] = _rules(pages, probe, indices)
            print(rule_table(f"wcxb-dev {scope}", numbers[scope]["rules"]))
        print()
    return numbers


# --- main -------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=(SCRAPINGHUB, WCXB), action="append", dest="sets",
                        help="run only this set (repeatable); both by default")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set, sorted by file name")
    parser.add_argument("--every", type=int, default=1, help="only every Nth of those pages (the wcxb gate: 3)")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--worse", type=Path, help="write the scrapinghub pages where ours scores below stock default")
    parser.add_argument("--only", choices=sorted(EXTRACTORS), action="append",
                        help="run only this extractor (repeatable); e.g. --only ours skips the others")
    parser.add_argument("--dataset", type=Path, default=DATASETS, help=argparse.SUPPRESS)  # the sets' folder
    args = parser.parse_args(argv)

    sets = args.sets or [SCRAPINGHUB, WCXB]
    extractors = [name for name in EXTRACTORS if not args.only or name in args.only]
    if args.worse and not ({"ours", "stock_default"} <= set(extractors) and SCRAPINGHUB in sets):
        parser.error("--worse needs the scrapinghub set and both ours and stock_default")

    numbers = {}
    for name in sets:
        if not datasets.is_present(args.dataset, name):
            print(f"{name}: dataset not found, skipping (looked for {args.dataset / datasets.DIRECTORIES[name]})")
            continue
        pages = datasets.load(args.dataset, name, args.limit)[:: args.every]
        numbers[name], runs = run_set(name, pages, extractors)
        if args.worse and name == SCRAPINGHUB:
            report, count = worse_report(pages, runs["ours"], runs["stock_default"])
            args.worse.write_text(report, encoding="utf-8")
            print(f"{count} pages worse than stock_default written to {args.worse}")
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
