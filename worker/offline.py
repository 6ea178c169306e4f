"""`worker extract`: the same pipeline, without Kafka, one JSON line out per line in."""

from __future__ import annotations

from typing import BinaryIO

import orjson

from worker.model import DeadLetter, Origin, RawRecord
from worker.pipeline import process
from worker.records import article_json


def extract_lines(lines: BinaryIO, out: BinaryIO, source: str = "-") -> None:
    for number, line in enumerate(lines):
        outcome = process(RawRecord(origin=Origin(source, 0, number), key=None, value=line.strip()))
        line = orjson.dumps(outcome) if isinstance(outcome, DeadLetter) else article_json(outcome)  # as published
        out.write(line + b"\n")
        out.flush()
