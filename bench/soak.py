"""Soak run: 200,000 mixed records, 15% hostile, through two workers on a real broker while one of them is
restarted every 2 minutes.

    python bench/soak.py [--records 200000] [--restart-every-s 120] [--kill] [--window-s 60] [--processes N]

The two workers are restarted in turn (SIGTERM, or kill -9 with --kill; then started again with the same
settings). Reports how many input records were accounted for (an article or a dead letter) out of how many,
duplicates (inputs with more than one outcome: at-least-once allows them after a restart), dead letters by
reason, throughput, and each worker's peak RSS (main process; forkserver and extractors) per window, with a
flatness verdict per worker: the last quarter's median window against the second quarter's. Exit code 0 if
every input was accounted for and every worker stopped by SIGTERM exited 0, else 1. Uses the broker named
by KAFKA_BOOTSTRAP_SERVERS, or starts one (see harness/broker.py). Not part of `make test`: it takes long.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # for bench.quality: bench/ is not an installed package (harness/ is)
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import base64  # noqa: E402
import gzip  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import orjson  # noqa: E402

from bench.datasets import SCRAPINGHUB, is_present, load  # noqa: E402
from bench.quality import DATASETS  # noqa: E402
from harness.broker import FLUSH_TIMEOUT_S, INPUT_PARTITIONS, drop_topics, fresh_topics, kafka_broker, producer  # noqa: E402
from harness.procs import CPUS, Peaks, RssSampler  # noqa: E402
from harness.workers import Outputs, WorkerProcess, collect, stop_workers  # noqa: E402

WORDS = ("harbour council budget river school market station bridge museum election hospital energy "
         "weather library festival court mayor village coast workers union university").split()
FLAT_RATIO = 1.10  # RSS is flat when the last quarter's median window is at most this times the second's


def article(rng: random.Random, i: int) -> bytes:
    title = f"Soak story {i}: " + " ".join(rng.choices(WORDS, k=5))
    paragraphs = "".join("<p>" + " ".join(rng.choices(WORDS, k=40)).capitalize() + ".</p>" for _ in range(8))
    html = (f"<html><head><title>{title}</title><meta property='og:type' content='article'></head>"
            f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>")
    return orjson.dumps({"url": f"https://soak.example/{i}", "html": html})


def body(url: str, raw: bytes, **fields) -> bytes:
    return orjson.dumps({"url": url, "body": base64.b64encode(raw).decode(), **fields})


BOMB = gzip.compress(b"<p>" + b"A" * (64 * 1024 * 1024))  # 64 MiB inflated, ~64 KB sent: over the page cap
HOSTILE: list[tuple[int, Callable[[int], bytes]]] = [  # (weight, record)
    (20, lambda i: b'{"url": "https://soak.example/broken", "html": '),
    (20, lambda i: body(f"https://soak.example/{i}.pdf", b"%PDF-1.7\n%\xe2\xe3", content_type="application/pdf")),
    (20, lambda i: bytes(random.Random(i).randbytes(2048))),
    (20, lambda i: orjson.dumps({"url": 42, "html": "<p>x</p>"})),
    (20, lambda i: orjson.dumps({"url": f"https://soak.example/{i}", "html": ""})),
    (20, lambda i: orjson.dumps({"url": f"https://soak.example/gone/{i}", "status": 404,
                                 "html": "<html><head><title>Not found</title></head><body>Gone.</body></html>"})),
    (10, lambda i: orjson.dumps({"url": f"https://soak.example/deep/{i}", "html": "<div>" * 10_000
                                 + "<p>" + "Deep text about the harbour. " * 30 + "</p>" + "</div>" * 10_000})),
    (5, lambda i: orjson.dumps({"url": f"https://soak.example/list/{i}",
                                "html": "<ul>" + "<li>item</li>" * 60_000 + "</ul>"})),
    (5, lambda i: body(f"https://soak.example/bomb/{i}", BOMB)),
    (20, lambda i: article(random.Random(i), i).replace(b"harbour", b"harb\\ud800our", 1)),
]


def records(count: int, dataset: list[bytes]) -> Iterator[bytes]:
    """70% small articles, 15% real pages (when the dataset is there), 15% hostile records."""
    rng = random.Random(7)
    weights = [weight for weight, _ in HOSTILE]
    for i in range(count):
        slot = i % 20
        if slot >= 17:
            yield rng.choices(HOSTILE, weights=weights)[0][1](i)
        elif slot >= 14 and dataset:
            yield dataset[i % len(dataset)]
        else:
            yield article(rng, i)


def produce(servers: str, topic: str, count: int, dataset: list[bytes]) -> None:
    with producer(servers, linger_ms=20) as client:
        for i, value in enumerate(records(count, dataset)):
            client.send(topic, value=value, partition=i % INPUT_PARTITIONS)
        client.flush(timeout=FLUSH_TIMEOUT_S)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--processes", type=int, default=math.ceil(CPUS / 2), help="extractor processes per worker")
    parser.add_argument("--restart-every-s", type=float, default=120.0,
                        help="seconds between restarts, of each worker in turn (0: none)")
    parser.add_argument("--kill", action="store_true", help="restart with kill -9 instead of SIGTERM (restart "
                        "less often than the group session, 45 s, or the group never settles)")
    parser.add_argument("--window-s", type=float, default=60.0, help="seconds per line of the RSS table")
    args = parser.parse_args(argv)
    if args.records < 1 or args.processes < 1 or args.restart_every_s < 0 or args.window_s <= 0:
        parser.error("--records and --processes must be positive, --restart-every-s not negative, --window-s > 0")
    dataset = [orjson.dumps({"url": p.url, "body": base64.b64encode(p.raw).decode()})
               for p in load(DATASETS, SCRAPINGHUB)] if is_present(DATASETS, SCRAPINGHUB) else []
    with kafka_broker(stdout=sys.stderr) as servers:
        topics = fresh_topics(servers, prefix="bench-", output_partitions=4)
        try:
            print(f"producing {args.records} records…", file=sys.stderr, flush=True)
            produce(servers, topics["input"], args.records, dataset)
            soak = Soak(servers, topics, args)
            print(f"{'seconds':>7}  {'done':>7}" + "".join(f"  w{i} main MB  w{i} extr MB" for i in range(2)),
                  flush=True)
            try:
                outputs = collect(servers, topics, args.records, soak.workers, soak,
                                  timeout_s=120 + args.records / 5, on_tick=soak.tick)
            finally:
                exited = [(slot, w.process.returncode) for slot, w in enumerate(soak.workers) if not w.running]
                final_codes = stop_workers(soak.workers)
            if exited:
                print(f"stopped early: worker (slot, exit code) {exited} exited by itself; logs in {soak.logs}",
                      flush=True)
        finally:
            drop_topics(servers, topics)
    return report(args, outputs, soak, final_codes)


@dataclass
class Restart:
    worker: int
    exit_code: int
    stop_s: float  # from the signal to the exit


class Soak:
    """Two workers, one restarted every `--restart-every-s` in turn, and their RSS per window."""

    def __init__(self, servers: str, topics: dict[str, str], args: argparse.Namespace) -> None:
        self.servers, self.topics, self.args = servers, topics, args
        self.logs = Path(tempfile.mkdtemp(prefix="soak-"))
        self.workers = [self._start(slot) for slot in range(2)]  # collect() watches this list: replaced in place
        self.samplers = [RssSampler([worker.pid]) for worker in self.workers]
        self.windows: list[list[Peaks]] = [[], []]  # per worker slot, across its restarts
        self.restarts: list[Restart] = []
        self.started = time.monotonic()
        self.next_window = self.started + args.window_s
        self.next_restart = self.started + args.restart_every_s if args.restart_every_s else math.inf

    def _start(self, slot: int) -> WorkerProcess:
        return WorkerProcess(self.servers, self.topics, "--processes", str(self.args.processes),
                             log_path=self.logs / f"worker-{slot}.log")  # appended to across restarts

    def sample(self, force: bool = False) -> None:
        for sampler in self.samplers:
            sampler.sample(force)

    def tick(self, outputs: Outputs) -> None:
        now = time.monotonic()
        if now >= self.next_window:
            self.next_window += self.args.window_s
            for slot, sampler in enumerate(self.samplers):
                self.windows[slot].append(sampler.take_window())
            print(f"{now - self.started:7.0f}  {len(outputs.origins):7d}" + "".join(
                f"  {w[-1].parents_mb:10.0f}  {w[-1].children_mb:10.0f}" for w in self.windows), flush=True)
        if now >= self.next_restart:
            self.next_restart = now + self.args.restart_every_s
            self._restart(len(self.restarts) % 2)

    def _restart(self, slot: int) -> None:
        """Stops the worker in `slot` (SIGTERM: it drains and commits; --kill: kill -9) and starts it again.
        Blocks while it drains: the other worker keeps working, and outputs wait in the broker."""
        self.samplers[slot].sample(force=True)  # its last RSS counts in the window
        began = time.monotonic()
        worker = self.workers[slot]
        if self.args.kill:
            code = worker.kill()
        else:
            try:
                code = worker.stop(signal.SIGTERM)
            except subprocess.TimeoutExpired:  # did not drain in time: a failure the report shows as -9
                code = worker.kill()
        self.restarts.append(Restart(slot, code, time.monotonic() - began))
        self.workers[slot] = self._start(slot)
        self.samplers[slot].roots = [self.workers[slot].pid]
        print(f"  restart {len(self.restarts)}: worker {slot} {'kill -9' if self.args.kill else 'SIGTERM'},"
              f" exit {code} after {self.restarts[-1].stop_s:.1f} s", flush=True)


def flatness(windows: list[float]) -> str:
    """The last quarter's median window against the second quarter's: 'flat (ratio)' or 'GROWING (ratio)'."""
    quarter = len(windows) // 4
    if quarter < 1:
        return f"too few windows ({len(windows)}) for a verdict"
    second = statistics.median(windows[quarter:2 * quarter])
    last = statistics.median(windows[len(windows) - quarter:])
    ratio = last / second if second else math.inf
    return f"{'flat' if ratio <= FLAT_RATIO else 'GROWING'} (last/second quarter median {ratio:.2f})"


def report(args: argparse.Namespace, outputs: Outputs, soak: Soak, final_codes: list[int]) -> int:
    span_s = (outputs.last_ms - outputs.first_ms) / 1000 if outputs.records > 1 else 0.0
    accounted = len(outputs.origins)
    print(f"\naccounted for: {accounted} / {args.records} input records")
    print(f"duplicates: {len(outputs.repeated)} inputs with more than one outcome"
          f" ({sum(outputs.repeated.values())} extra outcomes)")
    dead = sorted(((kind, n) for kind, n in outputs.outcomes.items() if kind != "article"), key=lambda kv: -kv[1])
    print(f"articles: {outputs.outcomes['article']}; dead letters: {sum(n for _, n in dead)}"
          + "".join(f", {kind} {n}" for kind, n in dead))
    print(f"throughput: {accounted / span_s if span_s else 0:.1f} records/s over {span_s:.0f} s")
    how = "kill -9" if args.kill else "SIGTERM"
    stops = [r.stop_s for r in soak.restarts]
    print(f"restarts: {len(soak.restarts)} ({how})" + (
        f", stopped in {min(stops):.1f}–{max(stops):.1f} s, exit codes {[r.exit_code for r in soak.restarts]}"
        if stops else "") + f"; final exit codes (SIGTERM) {final_codes}")
    for slot, windows in enumerate(soak.windows):
        for name, values in (("main", [w.parents_mb for w in windows]),
                             ("extractors", [w.children_mb for w in windows])):
            span = f"{min(values):.0f}–{max(values):.0f} MB" if values else "no window"
            print(f"RSS worker {slot} {name}: {span} per window, {flatness(values)}")
    clean = all(code == 0 for code in final_codes) and (args.kill or all(r.exit_code == 0 for r in soak.restarts))
    return 0 if accounted == args.records and clean else 1


if __name__ == "__main__":
    sys.exit(main())
