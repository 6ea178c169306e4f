"""`worker extract`: the pipeline offline, on the daemon's extractor pool, one JSON line out per page in input order."""

from __future__ import annotations

import dataclasses
import signal
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

import orjson
import zstandard
from tqdm import tqdm

from worker.core.model import Article, DeadLetter, Origin, Outcome, RawRecord
from worker.pool import ExtractorPool
from worker.stream.records import article_json
from worker.tools.inputs import Inputs, SkippedRecord

PAGES_PER_PROCESS = 4  # in the pool at once, as the daemon's default
# Pages read ahead of the one written last: a slow page holds up the output, not the pool.
WINDOW_PER_PROCESS = 64
RESULT_WAIT_S = 0.2  # how often the loop looks at Ctrl-C and the progress bar while pages run
INTERRUPTED = 130  # 128 + SIGINT, the shells' convention
READ_ERROR = 1


@dataclass
class Summary:
    pages: int = 0
    articles: int = 0
    dead_letters: Counter = field(default_factory=Counter)
    skipped: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    last_written: Origin | None = None
    interrupted: bool = False
    error: str = ""  # an input that could not be read to its end

    def line(self) -> str:
        def counts(counter: Counter) -> str:
            return f" ({', '.join(f'{name} {n}' for name, n in counter.most_common())})" if counter else ""

        rate = self.pages / self.seconds if self.seconds else 0.0
        text = (f"extract: {self.pages} pages, {self.articles} articles, {sum(self.dead_letters.values())} dead letters"
                f"{counts(self.dead_letters)}, {sum(self.skipped.values())} skipped{counts(self.skipped)}, "
                f"{self.seconds:.1f} s, {rate:.1f} pages/s")
        if self.interrupted or self.error:
            where = _where(self.last_written)
            text += f"; {'interrupted' if self.interrupted else 'stopped'}: the output is complete up to {where}"
        return text + (f"; {self.error}" if self.error else "")


def _where(origin: Origin | None) -> str:
    return f"{origin.topic} at {origin.offset} (included)" if origin else "its start (nothing written)"


class _CtrlC:
    """Ctrl-C sets a flag that the loop reads between pages, so that nothing is cut mid-line."""

    def __init__(self) -> None:
        self.pressed = False

    def __enter__(self) -> _CtrlC:
        self._previous = signal.signal(signal.SIGINT, self._press)
        return self

    def _press(self, _signum, _frame) -> None:
        self.pressed = True

    def __exit__(self, *exc_info) -> None:
        signal.signal(signal.SIGINT, self._previous)


class _Writer:
    def __init__(self, articles: BinaryIO, dead_letters: BinaryIO | None, summary: Summary) -> None:
        self.articles, self.dead_letters, self.summary = articles, dead_letters or articles, summary

    def write(self, record: RawRecord, outcome: Outcome) -> None:
        self.summary.pages += 1
        if isinstance(outcome, Article):
            self.summary.articles += 1
            self.articles.write(article_json(outcome) + b"\n")  # as published
        else:
            self.summary.dead_letters[outcome.reason.value] += 1
            self.dead_letters.write(dead_letter_json(record.origin, outcome) + b"\n")
        self.summary.last_written = record.origin


def dead_letter_json(origin: Origin, dead_letter: DeadLetter) -> bytes:
    """A dead letter offline: where its input is, and why (the daemon's dlq.* headers, as fields)."""
    return orjson.dumps({"origin": origin, **dataclasses.asdict(dead_letter)})


def extract(inputs: Inputs, pool: ExtractorPool, processes: int, articles: BinaryIO,
            dead_letters: BinaryIO | None = None) -> Summary:
    """Every input through the pool; outputs in input order. Stops at Ctrl-C or at an unreadable input, after
    the last complete line."""
    summary = Summary()
    writer = _Writer(articles, dead_letters, summary)
    source = _read(inputs, summary)
    waiting: dict[int, RawRecord] = {}  # ticket (input order) -> record, submitted and not yet written
    done: dict[int, Outcome] = {}
    submitted = written = 0
    start = time.perf_counter()
    with _CtrlC() as ctrl_c, _progress(inputs) as bar:
        while not ctrl_c.pressed:
            while source and len(waiting) < WINDOW_PER_PROCESS * processes and pool.pending < PAGES_PER_PROCESS * processes:
                record = next(source, None)
                if record is None:
                    source = None
                    break
                waiting[submitted] = record
                pool.submit(submitted, record)
                submitted += 1
            if not waiting:
                break
            done.update((ticket, outcome) for ticket, outcome, _ in pool.results(timeout=RESULT_WAIT_S))
            while written in done:
                writer.write(waiting.pop(written), done.pop(written))
                written += 1
            bar.update(inputs.position - bar.n)
            bar.set_postfix_str(f"{summary.pages} pages, {summary.pages / (time.perf_counter() - start):.0f} pages/s",
                                refresh=False)
        summary.interrupted = ctrl_c.pressed
    summary.seconds = time.perf_counter() - start
    return summary


def _read(inputs: Inputs, summary: Summary) -> Iterator[RawRecord]:
    """The records to run; skipped inputs counted; an input that cannot be read ends the run, with its error."""
    try:
        for item in inputs:
            if isinstance(item, SkippedRecord):
                summary.skipped[item.reason] += 1
            else:
                yield item
    except (OSError, EOFError, zstandard.ZstdError) as err:
        summary.error = f"cannot read on: {err or type(err).__name__}"


def _progress(inputs: Inputs) -> tqdm:
    """A bar on stderr when it is a terminal: bytes read of all inputs (an ETA), pages and pages/s beside."""
    return tqdm(total=inputs.total_bytes, unit="B", unit_scale=True, file=sys.stderr, disable=not sys.stderr.isatty(),
                dynamic_ncols=True)


def exit_code(summary: Summary) -> int:
    return INTERRUPTED if summary.interrupted else READ_ERROR if summary.error else 0
