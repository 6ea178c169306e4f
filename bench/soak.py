"""Soak run: at least 50,000 mixed records, hostile ones included, through two workers on a real broker.

    python bench/soak.py [--records 50000] [--processes N]

Reports throughput, the peak RSS of each worker (main process and extractors) over time, how many input
records were accounted for (an article or a dead letter) out of how many, and dead letters by reason.
Uses the broker named by KAFKA_BOOTSTRAP_SERVERS, or starts one (see harness/broker.py). Not part of
`make test`: it takes minutes.
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
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402

import orjson  # noqa: E402

from bench.datasets import SCRAPINGHUB, is_present, load  # noqa: E402
from bench.quality import DATASETS  # noqa: E402
from harness.broker import FLUSH_TIMEOUT_S, INPUT_PARTITIONS, drop_topics, fresh_topics, kafka_broker, producer  # noqa: E402
from harness.procs import CPUS, RssSampler  # noqa: E402
from harness.workers import Outputs, WorkerProcess, collect, stop_workers  # noqa: E402

WORDS = ("harbour council budget river school market station bridge museum election hospital energy "
         "weather library festival court mayor village coast workers union university").split()
WINDOW_S = 15.0  # RSS is reported per window of this length


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
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--processes", type=int, default=math.ceil(CPUS / 2), help="extractor processes per worker")
    args = parser.parse_args(argv)
    dataset = [orjson.dumps({"url": p.url, "body": base64.b64encode(p.raw).decode()})
               for p in load(DATASETS, SCRAPINGHUB)] if is_present(DATASETS, SCRAPINGHUB) else []
    with kafka_broker(stdout=sys.stderr) as servers:
        topics = fresh_topics(servers, prefix="bench-", output_partitions=4)
        try:
            print(f"producing {args.records} records…", file=sys.stderr, flush=True)
            produce(servers, topics["input"], args.records, dataset)
            logs = Path(tempfile.mkdtemp(prefix="soak-"))
            workers = [WorkerProcess(servers, topics, "--processes", str(args.processes),
                                     log_path=logs / f"worker-{i}.log") for i in range(2)]
            samplers = [RssSampler([worker.pid]) for worker in workers]
            started = time.monotonic()
            print("  seconds  worker  main MB  extractors MB", flush=True)
            outputs = collect_with_windows(servers, topics, args.records, workers, samplers, started)
            codes = stop_workers(workers)
        finally:
            drop_topics(servers, topics)
    span_s = (outputs.last_ms - outputs.first_ms) / 1000 if outputs.records > 1 else 0.0
    accounted = len(outputs.origins)
    print(f"\naccounted for: {accounted} of {args.records} input records"
          f" ({outputs.records - accounted} duplicates); worker exit codes {codes}")
    print(f"throughput: {accounted / span_s:.1f} records/s over {span_s:.0f} s")
    for i, sampler in enumerate(samplers):
        print(f"peak RSS worker {i}: main {sampler.overall.parents_mb:.0f} MB, "
              f"extractors {sampler.overall.children_mb:.0f} MB")
    print("outcomes: " + ", ".join(f"{kind}={n}" for kind, n in outputs.outcomes.most_common()))
    return 0 if accounted == args.records and not any(codes) else 1


def collect_with_windows(servers, topics, count, workers, samplers, started) -> Outputs:
    """collect() until every record is accounted for, printing each worker's peak RSS per WINDOW_S window."""
    next_window = time.monotonic() + WINDOW_S

    def report(outputs: Outputs) -> None:
        nonlocal next_window
        if time.monotonic() < next_window:
            return
        next_window += WINDOW_S
        for i, sampler in enumerate(samplers):
            window = sampler.take_window()
            print(f"  {time.monotonic() - started:7.0f}  {i:6d}  {window.parents_mb:7.0f}"
                  f"  {window.children_mb:13.0f}   {len(outputs.origins)} done", flush=True)

    return collect(servers, topics, count, workers, _Both(samplers), timeout_s=120 + count / 5, on_tick=report)


class _Both:
    """Samples several workers' RSS where collect() samples one."""

    def __init__(self, samplers: list[RssSampler]) -> None:
        self._samplers = samplers

    def sample(self, force: bool = False) -> None:
        for sampler in self._samplers:
            sampler.sample(force)


if __name__ == "__main__":
    sys.exit(main())
