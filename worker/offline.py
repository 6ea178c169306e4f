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
        if isinstance(outcome, DeadLetter):
            out.write(orjson.dumps(outcome) + b"\n")
        else:
            out.write(article_json(outcome) + b"\n")
        out.flush()
