"""The published schemas (schema/), for the tests to hold every record they see to them."""

from __future__ import annotations

from functools import cache

import orjson
from jsonschema import Draft202012Validator

from harness import ROOT

SCHEMAS = ROOT / "schema"


@cache
def validator(name: str) -> Draft202012Validator:
    """`article`, `dead-letter` or `envelope`."""
    return Draft202012Validator(orjson.loads((SCHEMAS / f"{name}.schema.json").read_bytes()))


def valid(name: str, record: bytes | dict) -> dict:
    """The record as JSON, once it is valid against the named schema; raises jsonschema's ValidationError."""
    document = orjson.loads(record) if isinstance(record, bytes) else record
    validator(name).validate(document)
    return document


def valid_article(record: bytes | dict) -> dict:
    return valid("article", record)


def valid_extract_line(line: bytes) -> dict:
    """A line of `worker extract`: an article, or a dead letter (which has a reason)."""
    document = orjson.loads(line)
    return valid("dead-letter" if "reason" in document else "article", document)


def valid_outcome(outcome) -> dict:
    """A pipeline outcome as `worker extract` prints it (an article as published)."""
    from worker.core.model import Article, Origin
    from worker.tools.extract import dead_letter_json

    if isinstance(outcome, Article):
        return valid("article", orjson.dumps(outcome))
    return valid("dead-letter", dead_letter_json(Origin("-", 0, 1), outcome))
