"""`worker produce`: page envelopes from JSON Lines, HTML or WARC files to the input topic.

Records stream from the files to the producer, whose buffer bounds the memory: a WARC is never held whole.
"""

from __future__ import annotations

import sys
import time
from collections import Counter

from kafka import KafkaProducer
from tqdm import tqdm

from worker.settings import MAX_REQUEST_BYTES, Settings
from worker.tools.inputs import Inputs, SkippedRecord

LINGER_MS = 20  # records share produce requests: one request per page would be the broker's bottleneck
BATCH_BYTES = 1024 * 1024
FLUSH_TIMEOUT_S = 120


def produce(settings: Settings, inputs: Inputs) -> int:
    producer = KafkaProducer(**settings.producer_options(acks="all", linger_ms=LINGER_MS, batch_size=BATCH_BYTES,
                                                         max_request_size=MAX_REQUEST_BYTES))
    failures: list[Exception] = []
    sent, skipped = 0, Counter()
    start = time.perf_counter()
    bar = tqdm(total=inputs.total_bytes, unit="B", unit_scale=True, file=sys.stderr, disable=not sys.stderr.isatty())
    try:
        with bar:
            for record in inputs:
                if isinstance(record, SkippedRecord):
                    skipped[record.reason] += 1
                    continue
                producer.send(settings.input_topic, key=record.key, value=record.value).add_errback(failures.append)
                sent += 1
                bar.update(inputs.position - bar.n)
        producer.flush(timeout=FLUSH_TIMEOUT_S)
    except KeyboardInterrupt:
        print(f"produce: interrupted after {sent} records, which may not all have been published", file=sys.stderr)
        return 130
    finally:
        producer.close(timeout=FLUSH_TIMEOUT_S)
    seconds = time.perf_counter() - start
    skips = f" ({', '.join(f'{reason} {n}' for reason, n in skipped.most_common())})" if skipped else ""
    print(f"produce: {sent - len(failures)} of {sent} records published to {settings.input_topic}, "
          f"{sum(skipped.values())} skipped{skips}, {seconds:.1f} s, {sent / seconds if seconds else 0:.0f} records/s",
          file=sys.stderr)
    if failures:
        print(f"produce: {len(failures)} records failed, the first: {failures[0]!r}", file=sys.stderr)
        return 1
    return 0
