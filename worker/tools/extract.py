"""`worker extract`: the same pipeline, without Kafka, one JSON line out per line in."""

from __future__ import annotations

from typing import BinaryIO

import orjson

from worker.core.model import DeadLetter, Origin, RawRecord
from worker.stream.records import article_json
from worker.task import Extract


def extract_lines(lines: BinaryIO, out: BinaryIO, source: str = "-") -> None:
    task = Extract()
    for number, line in enumerate(lines):
        outcome = task(RawRecord(origin=Origin(source, 0, number), key=None, value=line.strip()))
        line = orjson.dumps(outcome) if isinstance(outcome, DeadLetter) else article_json(outcome)  # as published
        out.write(line + b"\n")
        out.flush()
