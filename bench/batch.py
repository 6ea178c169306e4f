"""Batch throughput: `worker extract` as a whole process against stock trafilatura, and the WARC rates.

    python bench/batch.py [--repeat R] [--processes N] [--produce] [--json PATH]

(a)  stock `trafilatura.extract(with_metadata=True)` in one process (bench/throughput.py's loop), timed right
     before each run of (e) and (e'); their ratios are taken per run, and the medians reported
(e)  `python -m worker extract FILE -o /dev/null` on the ScrapingHub pages repeated R times as JSON Lines
     envelopes, timed as a whole process from exec to exit (start-up and the pool's warm-up included)
(e') the same pages as a gzipped WARC
WARC read rate: fastwarc (what worker/tools/warc.py uses) and warcio on the same WARC, plain and gzipped,
records/s of the whole reader (envelopes built); with --produce, `worker produce --warc` into a broker
(KAFKA_BOOTSTRAP_SERVERS, or one of our own) as a whole process. Target: e ≥ 2.7 × a, reading ≥ 2000 records/s.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import base64  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import orjson  # noqa: E402

from bench.datasets import SCRAPINGHUB, BenchPage, is_present, load  # noqa: E402
from bench.quality import DATASETS  # noqa: E402
from bench.throughput import isolated, measure_loop  # noqa: E402
from harness.procs import CPUS  # noqa: E402

TARGET = 2.7
EXTRACT_INPUTS = ("jsonl", "warc.gz")
READ_TARGET = 2000


def write_inputs(pages: list[BenchPage], repeat: int, directory: Path) -> dict[str, Path]:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    paths = {"jsonl": directory / "pages.jsonl", "warc": directory / "pages.warc",
             "warc.gz": directory / "pages.warc.gz"}
    with open(paths["jsonl"], "wb") as jsonl, open(paths["warc"], "wb") as plain, open(paths["warc.gz"], "wb") as gz:
        writers = [WARCWriter(plain, gzip=False), WARCWriter(gz, gzip=True)]
        for _ in range(repeat):
            for page in pages:
                raw = page.raw
                jsonl.write(orjson.dumps({"url": page.url, "body": base64.b64encode(raw).decode()}) + b"\n")
                for writer in writers:
                    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                    writer.write_record(writer.create_warc_record(
                        page.url, "response", payload=io.BytesIO(raw), http_headers=http,
                        warc_headers_dict={"WARC-Date": "2024-04-18T07:45:00Z"}))
    return paths


def whole_process(*args: str) -> tuple[float, str]:
    """Wall seconds of `python -m worker ARGS` from exec to exit, and its last stderr line (the summary)."""
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "worker", *args], cwd=ROOT, capture_output=True, text=True,
                            check=True, timeout=3600)
    return time.perf_counter() - start, result.stderr.strip().splitlines()[-1]


def read_rate(path: Path, library: str) -> float:
    """Records/s of reading the WARC to envelopes (fastwarc: our reader), or to payload bytes (warcio)."""
    start = time.perf_counter()
    count = 0
    with open(path, "rb") as stream:
        if library == "fastwarc":
            from worker.tools.warc import WarcPage, read_warc

            count = sum(isinstance(item, WarcPage) for item in read_warc(stream))
        else:
            from warcio.archiveiterator import ArchiveIterator

            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    base64.b64encode(record.content_stream().read())
                    count += 1
    return count / (time.perf_counter() - start)


def produce_rate(path: Path) -> dict:
    from harness.broker import drop_topics, fresh_topics, kafka_broker

    with kafka_broker(stdout=sys.stderr) as servers:
        topics = fresh_topics(servers, prefix="bench-batch-")
        try:
            seconds, summary = whole_process("produce", "--bootstrap-servers", servers, "--input-topic",
                                             topics["input"], "--warc", str(path))
        finally:
            drop_topics(servers, topics)
    return {"seconds": round(seconds, 2), "summary": summary}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=6, help="the dataset this many times in the input file")
    parser.add_argument("--processes", type=int, default=0, help="extract --processes (default 0: every core)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing, medians reported")
    parser.add_argument("--produce", action="store_true", help="also time produce --warc into a broker")
    parser.add_argument("--json", type=Path, help="write the numbers to this file")
    args = parser.parse_args(argv)
    if not is_present(DATASETS, SCRAPINGHUB):
        print(f"dataset not found, skipping (looked for {DATASETS})")
        return 0
    pages = load(DATASETS, SCRAPINGHUB)
    count = len(pages) * args.repeat
    numbers: dict = {"cpus": CPUS, "pages": count}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as directory:
        paths = write_inputs(pages, args.repeat, Path(directory))
        # Each run times stock right before the two extracts: the host's speed drifts within minutes, and a
        # ratio of neighbours compares like with like. Medians of the runs are reported.
        stock, runs = [], {kind: [] for kind in EXTRACT_INPUTS}
        for _ in range(args.runs):
            stock.append(isolated(measure_loop, DATASETS, None, "a", len(pages)).pages_per_s)
            for kind in EXTRACT_INPUTS:
                runs[kind].append(whole_process("extract", "--processes", str(args.processes), str(paths[kind]),
                                                "-o", "/dev/null"))
        numbers["a_pages_per_s"] = round(statistics.median(stock), 1)
        for kind, kind_runs in runs.items():
            seconds = statistics.median(run[0] for run in kind_runs)
            ratios = [count / run[0] / a for run, a in zip(kind_runs, stock, strict=True)]
            numbers[f"extract_{kind}"] = {"seconds": round(seconds, 2), "pages_per_s": round(count / seconds, 1),
                                          "vs_a": round(statistics.median(ratios), 2),
                                          "vs_a_per_run": [round(ratio, 2) for ratio in ratios],
                                          "summary": kind_runs[-1][1]}
        for kind in ("warc", "warc.gz"):
            for library in ("fastwarc", "warcio"):
                rate = statistics.median(read_rate(paths[kind], library) for _ in range(args.runs))
                numbers[f"read_{kind}_{library}_records_per_s"] = round(rate)
        if args.produce:
            numbers["produce_warc_gz"] = produce_rate(paths["warc.gz"])
    print(json.dumps(numbers, indent=2))
    ratio = numbers["extract_jsonl"]["vs_a"]
    print(f"extract (whole process, {CPUS} cores) / stock (1 process) = {ratio:.2f} "
          f"(target ≥ {TARGET}: {'met' if ratio >= TARGET else 'MISSED'})")
    if args.json:
        args.json.write_text(json.dumps(numbers, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
