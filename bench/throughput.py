"""Extraction throughput on the ScrapingHub pages: stock trafilatura, our pipeline, its pool, the worker over Kafka.

    python bench/throughput.py [--only a,b,c,d] [--limit N] [--pages N] [--processes N] [--repeat R] [--json PATH]
    python bench/throughput.py --soak N [--processes N]

(a) stock `trafilatura.extract(html, url=…, with_metadata=True)` in a loop, one process
(b) `worker.task.Extract` (the pipeline) on envelopes built as bench/quality.py builds them, one process
(c) the same through `worker.pool.ExtractorPool` with --processes processes, 4 pages in flight per process
(d) `python -m worker run` end to end through a Kafka broker: one worker with --processes, then two workers
    in one group with half as many each (rounded up), each on fresh topics (input: 4 partitions)

(a), (b) and (c) each run in a fresh interpreter, so that peak RSS and caches are their own; (a) and (b)
alternate --repeat times and the medians are reported. (a) and (b) make an untimed pass over the pages
first: models and stop lists load lazily on first use (the language model alone takes 0.3 s), which would
halve a short first pass; (c) and (d) pay that once, in the pool's forkserver, before timing starts, as the
worker does. (d) uses the broker named by KAFKA_BOOTSTRAP_SERVERS, or starts one with kafka/broker.sh on a
free port and stops it at the end; an untimed run of 300 pages first warms the broker's JIT. Each (d) run
starts its workers, waits until their group has settled, then releases the envelopes to them at once (one
producer transaction; the workers read committed records only). Its pages/s counts the input records done
over the span between the first and the last output timestamp; the wall time from the release is reported
beside it, and the CPU seconds each party used from the first output on. Peak RSS sums a
process and all its descendants (extractors, forkserver), sampled from /proc every 0.25 s, so shared pages
count once per process.

--soak N runs (c) over N pages and prints the peak RSS of the pool's parent and children every ~1000 pages.
Targets: b ≥ 1.5×a (the median of the ratios of neighbouring runs), c ≥ 1.8×b, d1 ≥ 0.9×c.
Exits 0 with a message when the dataset is absent.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # for bench.quality: bench/ is not an installed package (harness/ is)
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
import uuid  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402

from bench.datasets import SCRAPINGHUB, BenchPage, is_present, load  # noqa: E402
from bench.quality import DATASETS, EXTRACTORS, Extractor  # noqa: E402
from harness.broker import FLUSH_TIMEOUT_S, INPUT_PARTITIONS, drop_topics, fresh_topics, kafka_broker, producer  # noqa: E402
from harness.procs import CPUS, RssSampler, broker_pids, cpu_seconds, descendants, status_mb, tree_cpu_seconds  # noqa: E402
from harness.workers import Outputs, WorkerProcess, collect, stop_workers, wait_for_group  # noqa: E402

OUTPUT_PARTITIONS = 4
IN_FLIGHT_PER_PROCESS = 4
BROKER_WARM_UP_PAGES = 300
POOL_REPEATS = 6  # c and d run over the dataset this many times: shorter runs vary by ±15% on this machine
LOOPS = {  # key: (extractor in bench/quality.py, description)
    "a": ("stock_default", "stock trafilatura, 1 process"),
    "b": ("ours", "our pipeline, 1 process"),
}
TARGETS = (("b", "a", 1.5), ("c", "b", 1.8), ("d1", "c", 0.9))
COSTS = (("d3", "d1"),)  # reported, no target: exactly-once against at-least-once


# --- results ---------------------------------------------------------------------------------------


@dataclass
class Row:
    key: str
    what: str
    pages: int
    seconds: float  # the time the pages/s is taken over
    p50_ms: float | None = None
    p95_ms: float | None = None
    rss_mb: float = 0.0  # peak, process and descendants
    details: dict = field(default_factory=dict)

    @property
    def pages_per_s(self) -> float:
        return self.pages / self.seconds if self.seconds > 0 else 0.0


def latency_row(key: str, what: str, latencies: list[float], seconds: float, rss_mb: float, **details) -> Row:
    ms = sorted(1000 * s for s in latencies)
    p95 = ms[max(0, math.ceil(0.95 * len(ms)) - 1)] if ms else None  # nearest rank
    return Row(key, what, len(ms), seconds, statistics.median(ms) if ms else None, p95, rss_mb, details)


def median_row(runs: list[Row]) -> Row:
    """Repeated runs of one measurement: the median of each number, the highest peak RSS."""
    def median(name: str) -> float | None:
        values = [getattr(run, name) for run in runs if getattr(run, name) is not None]
        return statistics.median(values) if values else None

    first = runs[0]
    details = {**first.details, "runs_pages_per_s": [round(run.pages_per_s, 2) for run in runs]}
    return Row(first.key, first.what, first.pages, median("seconds"), median("p50_ms"), median("p95_ms"),
               max(run.rss_mb for run in runs), details)


def outcome_kind(outcome: object) -> str:
    from worker.core.model import Article, DeadLetter

    if isinstance(outcome, DeadLetter):
        return outcome.reason.value
    if isinstance(outcome, Article):
        return "article"
    return "text" if outcome else "no text"  # stock trafilatura: a string or None


# --- (a), (b), (c): offline, each in a fresh interpreter -------------------------------------------


def inputs(extractor: Extractor, pages: list[BenchPage], count: int) -> Iterator[object]:
    """`count` inputs for the extractor: the pages in order, repeated as often as needed."""
    for i in range(count):
        yield extractor.prepare(pages[i % len(pages)], i)


def measure_loop(pages: list[BenchPage], key: str, count: int) -> Row:
    """(a) or (b): one page after the other in this process; latency = one call. An untimed pass over the
    pages first: trafilatura, justext and friends load stop lists and tables lazily, per language."""
    name, what = LOOPS[key]
    extractor = EXTRACTORS[name]()
    for arg in inputs(extractor, pages, len(pages)):
        extractor.run(arg)
    latencies, outcomes = [], Counter()
    for arg in inputs(extractor, pages, count):
        start = time.perf_counter()
        try:
            kind = outcome_kind(extractor.run(arg))
        except Exception as err:
            kind = f"raised {type(err).__name__}"
        latencies.append(time.perf_counter() - start)
        outcomes[kind] += 1
    return latency_row(key, what, latencies, sum(latencies), status_mb(os.getpid(), "VmHWM"),
                       outcomes=dict(outcomes))


class SoakLog:
    """Prints the peak RSS of the pool's parent and children over each stretch of ~1000 pages."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.every = min(1000, max(1, count // 10))
        self.next = self.every
        self.last = (0, time.perf_counter())  # pages done and time at the previous line
        print(f"{'pages':>8} {'pages/s':>8} {'parent MB':>10} {'children MB':>12} {'total MB':>9}", flush=True)

    def __call__(self, done: int, sampler: RssSampler) -> None:
        """One line per stretch: its pages/s and its peak RSS (parent, children together, both)."""
        if done < self.next and done < self.count:
            return
        sampler.sample(force=True)
        peaks = sampler.take_window()
        now = time.perf_counter()
        rate = (done - self.last[0]) / (now - self.last[1])
        self.last = (done, now)
        print(f"{done:>8} {rate:>8.1f} {peaks.parents_mb:>10.0f} {peaks.children_mb:>12.0f} {peaks.total_mb:>9.0f}",
              flush=True)
        while self.next <= done:
            self.next += self.every


def measure_pool(pages: list[BenchPage], key: str, count: int, processes: int, soak: bool = False) -> Row:
    """(c): through the extractor pool; latency = submit to result, queueing included."""
    from worker.core.warm_up import WARM_UP
    from worker.pool import ExtractorPool, PoolSettings
    from worker.task import Extract

    records = inputs(EXTRACTORS["ours"](), pages, count)
    sampler = RssSampler([os.getpid()])
    log = SoakLog(count) if soak else None
    settings = PoolSettings(processes=processes, timeout_s=30, recycle_after=500)  # the pool as the worker makes it
    with ExtractorPool(Extract(), settings, warm_up=WARM_UP, preload=("worker.warm",)) as pool:
        pool.warm_up()
        next_ticket, submitted = 0, {}  # ticket -> submit time
        latencies, outcomes = [], Counter()
        cpu_before = tree_cpu_seconds(os.getpid())  # this process, the forkserver, the extractors
        start = time.perf_counter()
        while len(latencies) < count:
            while next_ticket < count and len(submitted) < IN_FLIGHT_PER_PROCESS * processes:
                record = next(records)
                submitted[next_ticket] = time.perf_counter()
                pool.submit(next_ticket, record)
                next_ticket += 1
            for ticket, outcome, _ in pool.results(timeout=1.0):
                latencies.append(time.perf_counter() - submitted.pop(ticket))
                outcomes[outcome_kind(outcome)] += 1
            sampler.sample()
            if log:
                log(len(latencies), sampler)
        seconds = time.perf_counter() - start
        cpu = tree_cpu_seconds(os.getpid()) - cpu_before
        sampler.sample(force=True)
        restarts = pool.restarts
    peaks = sampler.overall
    return latency_row(key, f"our pipeline, pool of {processes}", latencies, seconds, peaks.total_mb,
                       outcomes=dict(outcomes), parent_mb=round(status_mb(os.getpid(), "VmHWM")),
                       children_mb=round(peaks.children_mb), restarts=restarts,
                       pages_per_cpu_s=round(len(latencies) / cpu, 2) if cpu else 0.0)


def isolated(measure: Callable[..., Row], dataset: Path, limit: int | None, *args, **kwargs) -> Row:
    """Runs measure(pages, *args, **kwargs) in a fresh interpreter, so that its memory and caches are its own."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_isolated_main, args=(sender, measure, dataset, limit, args, kwargs))
    child.start()
    sender.close()
    try:
        status, payload = receiver.recv()
    except EOFError:
        status, payload = "error", "the measurement process died"
    child.join()
    if status != "ok":
        raise RuntimeError(f"{measure.__name__} failed:\n{payload}")
    return Row(**payload)


def _isolated_main(sender, measure, dataset, limit, args, kwargs) -> None:
    try:
        sender.send(("ok", asdict(measure(load(dataset, SCRAPINGHUB, limit), *args, **kwargs))))
    except BaseException:
        sender.send(("error", traceback.format_exc()))


# --- (d): end to end through Kafka -----------------------------------------------------------------


def produce(servers: str, topic: str, pages: list[BenchPage], count: int, release: Callable[[], None]) -> None:
    """The envelopes, spread evenly over the input partitions, in one transaction committed after `release()`
    returns: read_committed consumers see none of them before, then all."""
    with producer(servers, linger_ms=20, transactional_id=f"bench-{uuid.uuid4().hex[:8]}") as client:
        client.init_transactions()
        client.begin_transaction()
        for i, record in enumerate(inputs(EXTRACTORS["ours"](), pages, count)):
            client.send(topic, value=record.value, partition=i % INPUT_PARTITIONS)
        client.flush(timeout=FLUSH_TIMEOUT_S)
        release()
        client.commit_transaction()


def measure_broker(servers: str, pages: list[BenchPage], key: str, count: int, workers: int, processes: int,
                   extra: tuple[str, ...] = ()) -> Row:
    """(d): `workers` workers in one group, then `count` envelopes, released to them at once."""
    topics = fresh_topics(servers, prefix="bench-", output_partitions=OUTPUT_PARTITIONS)
    logs = Path(tempfile.mkdtemp(prefix="bench-worker-"))
    try:
        print(f"({key}) {workers} worker(s) × {processes} processes, {count} envelopes…", file=sys.stderr, flush=True)
        running = [WorkerProcess(servers, topics, "--processes", str(processes), *extra,
                                 log_path=logs / f"worker-{i}.log") for i in range(workers)]
        mains, brokers = [worker.pid for worker in running], broker_pids()

        def cpu_now() -> dict[str, float]:  # who used the two cores
            return {"worker_main": cpu_seconds(mains), "extractors": cpu_seconds(descendants(mains)),
                    "broker": cpu_seconds(brokers), "bench_consumer": cpu_seconds([os.getpid()])}

        first: dict[str, float] = {}  # at the first output read: start-up and warm-up are over

        def on_tick(outputs: Outputs) -> None:
            if outputs.records and not first:
                first.update(cpu_now(), done=len(outputs.origins))

        try:
            produce(servers, topics["input"], pages, count,
                    release=lambda: wait_for_group(servers, topics["group"], workers, running))
            started = time.perf_counter()
            sampler = RssSampler(mains)
            outputs = collect(servers, topics, count, running, sampler, timeout_s=120 + 2 * count, on_tick=on_tick)
            at_end = cpu_now()
            cpu = {name: at_end[name] - first.get(name, at_end[name]) for name in at_end}
            done_since_first = len(outputs.origins) - first.get("done", len(outputs.origins))
        finally:
            codes = stop_workers(running)
    finally:
        drop_topics(servers, topics)
    complete = len(outputs.origins) >= count
    if complete and not any(codes):
        shutil.rmtree(logs)
    else:
        print(f"({key}) {len(outputs.origins)} of {count} records done, exit codes {codes}; logs in {logs}",
              file=sys.stderr)
    span_s = (outputs.last_ms - outputs.first_ms) / 1000 if outputs.records > 1 else 0.0
    wall_s = outputs.seen_at - started if outputs.records else 0.0
    mode = ", exactly-once" if "exactly-once" in extra else ""
    return Row(key, f"worker via Kafka, {workers} × {processes} proc{mode}", len(outputs.origins), span_s,
               rss_mb=sampler.overall.total_mb, details={
                   "wall_s_from_release": round(wall_s, 1),
                   "wall_pages_per_s": round(len(outputs.origins) / wall_s, 2) if wall_s else 0.0,
                   "duplicates": outputs.records - len(outputs.origins), "complete": complete,
                   "exit_codes": codes, "outcomes": dict(outputs.outcomes),
                   "cpu_s_after_first_output": {name: round(value, 1) for name, value in cpu.items()},
                   # the worker's own efficiency, whatever the broker on the same cores takes
                   "pages_per_cpu_s": round(done_since_first / worker_cpu, 2) if (
                       worker_cpu := cpu["worker_main"] + cpu["extractors"]) else 0.0,
               })


# --- the run ---------------------------------------------------------------------------------------


def run_all(args: argparse.Namespace, pages: list[BenchPage]) -> dict[str, Row]:
    loop_pages = args.pages or len(pages)
    pool_pages = args.pages or POOL_REPEATS * len(pages)
    rows: dict[str, Row] = {}
    loops = [key for key in LOOPS if key in args.only]
    runs: dict[str, list[Row]] = {key: [] for key in loops}
    for repeat in range(args.repeat if loops else 0):
        for key in loops:
            print(f"({key}) run {repeat + 1}/{args.repeat}, {loop_pages} pages…", file=sys.stderr, flush=True)
            runs[key].append(isolated(measure_loop, args.dataset, args.limit, key, loop_pages))
    rows.update({key: median_row(key_runs) for key, key_runs in runs.items()})
    if "c" in args.only:
        print(f"(c) pool of {args.processes}, {pool_pages} pages…", file=sys.stderr, flush=True)
        rows["c"] = isolated(measure_pool, args.dataset, args.limit, "c", pool_pages, args.processes)
    if "d" in args.only:
        with kafka_broker(stdout=sys.stderr) as servers:
            # untimed: a fresh broker spends its first seconds of traffic compiling (JIT), a running one does not
            measure_broker(servers, pages, "d, broker warm-up", BROKER_WARM_UP_PAGES, 1, args.processes)
            rows["d1"] = measure_broker(servers, pages, "d1", pool_pages, 1, args.processes)
            rows["d2"] = measure_broker(servers, pages, "d2", pool_pages, 2, math.ceil(args.processes / 2))
            rows["d3"] = measure_broker(servers, pages, "d3", pool_pages, 1, args.processes,
                                        ("--guarantee", "exactly-once"))
    return rows


def ratios(rows: dict[str, Row]) -> dict[str, dict]:
    found = {}
    for top, bottom, target in TARGETS:
        if top in rows and bottom in rows and rows[bottom].pages_per_s:
            pairs = _pair_ratios(rows[top], rows[bottom])
            ratio = statistics.median(pairs) if pairs else rows[top].pages_per_s / rows[bottom].pages_per_s
            found[f"{top}/{bottom}"] = {"ratio": round(ratio, 3), "target": target, "met": ratio >= target,
                                        **({"per_pair": [round(pair, 2) for pair in pairs]} if pairs else {})}
    for top, bottom in COSTS:
        if top in rows and bottom in rows and rows[bottom].pages_per_s:
            found[f"{top}/{bottom}"] = {"ratio": round(rows[top].pages_per_s / rows[bottom].pages_per_s, 3)}
    if rows.get("c") and rows.get("d1") and rows["c"].details.get("pages_per_cpu_s"):
        efficiency = rows["d1"].details["pages_per_cpu_s"] / rows["c"].details["pages_per_cpu_s"]
        found["d1/c per CPU-second"] = {"ratio": round(efficiency, 3), "note": "the worker's Kafka overhead alone"}
    return found


def _pair_ratios(top: Row, bottom: Row) -> list[float]:
    """(a) and (b) alternate: each run of one beside the run of the other next to it. The host's speed drifts
    within a minute, so the median of these ratios, not the ratio of the medians, is the verdict."""
    tops, bottoms = top.details.get("runs_pages_per_s", []), bottom.details.get("runs_pages_per_s", [])
    if not tops or len(tops) != len(bottoms):
        return []
    return [t / b for t, b in zip(tops, bottoms, strict=True) if b]


def _number(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _details(details: dict) -> str:
    def show(value: object) -> str:
        return " ".join(f"{k}={v}" for k, v in sorted(value.items())) if isinstance(value, dict) else str(value)

    return ", ".join(f"{name}: {show(value)}" for name, value in details.items())


def report(rows: dict[str, Row]) -> str:
    base = rows["a"].pages_per_s if "a" in rows else 0.0
    lines = [f"{'':<4} {'measurement':<34} {'pages':>6} {'pages/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
             f"{'peak RSS MB':>11} {'vs (a)':>6}"]
    lines.append("-" * len(lines[0]))
    for key, row in rows.items():
        lines.append(f"{key:<4} {row.what:<34} {row.pages:>6} {row.pages_per_s:>8.2f} {_number(row.p50_ms):>7} "
                     f"{_number(row.p95_ms):>7} {row.rss_mb:>11.0f} "
                     f"{_number(row.pages_per_s / base if base else None, 2):>6}")
    lines.append("")
    lines += [f"{key}: {_details(row.details)}" for key, row in rows.items()]
    for name, ratio in ratios(rows).items():
        verdict = (f"target ≥ {ratio['target']}: {'met' if ratio['met'] else 'MISSED'}" if "target" in ratio
                   else ratio.get("note", "the cost of exactly-once"))
        pairs = f"; per pair {', '.join(f'{pair:.2f}' for pair in ratio['per_pair'])}" if "per_pair" in ratio else ""
        lines.append(f"{name} = {ratio['ratio']:.2f} ({verdict}{pairs})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="a,b,c,d", type=lambda text: set(text.split(",")),
                        help="measurements to run, comma-separated (default a,b,c,d)")
    parser.add_argument("--limit", type=int, help="only the first N dataset pages, sorted by hash")
    parser.add_argument("--pages", type=int, help="pages per measurement, the dataset repeated as needed "
                        f"(default: the dataset once for a and b, {POOL_REPEATS} times for c and d)")
    parser.add_argument("--processes", type=int, default=CPUS, help=f"pool processes for c and d (default {CPUS})")
    parser.add_argument("--repeat", type=int, default=3, help="runs of a and b, medians reported (default 3)")
    parser.add_argument("--soak", type=int, metavar="N", help="only run c over N pages, printing RSS as it goes")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    parser.add_argument("--dataset", type=Path, default=DATASETS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if unknown := args.only - {"a", "b", "c", "d"}:
        parser.error(f"--only: unknown measurement(s) {', '.join(sorted(unknown))}")

    if not is_present(args.dataset, SCRAPINGHUB):
        print(f"dataset not found, skipping (looked for {args.dataset})")
        return 0
    pages = load(args.dataset, SCRAPINGHUB, args.limit)
    print(f"{len(pages)} dataset pages from {args.dataset}, {CPUS} CPUs")
    if args.soak:
        soak = isolated(measure_pool, args.dataset, args.limit, "soak", args.soak, args.processes, soak=True)
        rows = {"soak": soak}
    else:
        rows = run_all(args, pages)
    print(report(rows))
    if args.json:
        numbers = {
            "dataset_pages": len(pages), "cpus": CPUS, "processes": args.processes,
            "rows": {key: {**asdict(row), "pages_per_s": round(row.pages_per_s, 3)} for key, row in rows.items()},
            "ratios": ratios(rows),
        }
        args.json.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
