"""The schemas in schema/ and the code cannot drift apart: the model's fields and types against the article and
dead-letter schemas both ways, the envelope schema against what the envelope parser accepts."""

from __future__ import annotations

import types
import typing
from dataclasses import fields

import orjson
import pytest
from jsonschema import Draft202012Validator, ValidationError

from tests.contract import valid, validator
from tests.factories import envelope, story
from worker.core.envelope import parse_envelope
from worker.core.model import (
    MAX_STACKTRACE_CHARS,
    SCHEMA_VERSION,
    Article,
    DeadLetter,
    Origin,
    PageType,
    RawPage,
    RawRecord,
    Reason,
)
from worker.core.timestamps import Precision

JSON_TYPES = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null", tuple: "array",
              Origin: "object"}


def json_types(hint) -> set[str]:
    """The JSON types orjson writes a value of this annotation as."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return set().union(*(json_types(arg) for arg in typing.get_args(hint)))
    hint = typing.get_origin(hint) or hint
    return {"string"} if isinstance(hint, type) and issubclass(hint, str) else {JSON_TYPES[hint]}


def schema_types(schema: dict, prop: dict) -> set[str]:
    if "$ref" in prop:
        prop = schema["$defs"][prop["$ref"].rsplit("/", 1)[1]]
    kinds = prop["type"]
    return {kinds} if isinstance(kinds, str) else set(kinds)


@pytest.mark.parametrize("name, model", [("article", Article), ("dead-letter", DeadLetter)])
def test_every_field_is_in_the_schema_and_every_property_in_the_model(name, model):
    schema = validator(name).schema
    hints = typing.get_type_hints(model)
    names = [field.name for field in fields(model)]
    offline = {"origin"} if model is DeadLetter else set()  # worker extract adds where the input is
    assert set(schema["properties"]) == set(names) | offline
    assert set(schema["required"]) == set(names) | offline  # orjson writes every field, null or not
    assert schema["additionalProperties"] is False
    for field in names:
        assert schema_types(schema, schema["properties"][field]) == json_types(hints[field]), field


def test_the_schemas_enumerations_are_the_models():
    article, dead_letter = validator("article").schema, validator("dead-letter").schema
    assert article["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert article["properties"]["page_type"]["enum"] == [kind.value for kind in PageType]
    assert article["$defs"]["precision"]["enum"] == [precision.value for precision in Precision] + [None]
    assert dead_letter["properties"]["reason"]["enum"] == [reason.value for reason in Reason]
    assert dead_letter["properties"]["page_type"]["enum"] == [kind.value for kind in PageType] + [None]
    assert dead_letter["properties"]["stacktrace"]["maxLength"] == MAX_STACKTRACE_CHARS


@pytest.mark.parametrize("name", ["article", "dead-letter", "envelope"])
def test_the_schemas_are_draft_2020_12(name):
    schema = validator(name).schema
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def article(**changes) -> dict:
    record = {"schema_version": SCHEMA_VERSION, "id": "0" * 32, "url": "https://example.com/a",
              "canonical_url": "https://example.com/a", "hostname": "example.com", "title": "T", "authors": [],
              "published_at": "2024-03-04T16:00:00Z", "published_precision": "minute", "published_offset": "+09:00",
              "modified_at": None, "modified_precision": None, "modified_offset": None, "language": "en",
              "language_confidence": 0.9, "text": "x", "word_count": 1, "origin": None, "site_name": None,
              "description": None, "image": None, "tags": [], "categories": [], "license": None, "captions": [],
              "fetched_at": None, "content_hash": "sha256:" + "0" * 64, "simhash": "0" * 16, "extractor": "t/1",
              "worker_version": "1", "page_type": "article"}
    return record | changes


@pytest.mark.parametrize("changes", [
    {"published_at": "2024-03-05T01:00:00+09:00"},  # not in UTC
    {"published_at": "2024-03-05"},  # a day alone: midnight UTC, with precision "day"
    {"published_precision": None},  # a time without its precision
    {"published_at": None},  # a precision without a time
    {"published_offset": "+9"},
    {"page_type": "homepage"},
    {"categories": "News"},
    {"schema_version": 1},
    {"extra": 1},
])
def test_the_article_schema_refuses_what_a_typed_sink_could_not_load(changes):
    valid("article", article())
    with pytest.raises(ValidationError):
        valid("article", article(**changes))


ENVELOPES = [
    (envelope(*story(1)), True),
    (envelope("https://example.com/a", body=b"<p>x</p>", headers={"Set-Cookie": ["a", "b"], "Age": 3}, status=200,
              fetched_at="2024-01-02T03:04:05Z"), True),
    (envelope("https://example.com/a", html="<p>x</p>", fetched_at=1700000000, content_type="text/html"), True),
    (orjson.dumps({"url": "https://example.com/a", "html": "<p>x</p>", "body": "not base64!"}), True),  # html wins
    (envelope("HTTPS://Example.com/a", html="<p>x</p>", headers=None, status=None), True),
    (orjson.dumps({"url": "https://example.com/a", "html": None, "body": "PHA+eDwvcD4="}), True),
    (envelope("https://example.com/a"), False),  # neither html nor body
    (envelope("ftp://example.com/a", html="<p>x</p>"), False),
    (envelope("/relative", html="<p>x</p>"), False),
    (envelope("https://example.com/a b", html="<p>x</p>"), False),
    (envelope("https://example.com/" + "a" * 8200, html="<p>x</p>"), False),
    (orjson.dumps({"url": "https://example.com/a", "body": "not base64!"}), False),
    (envelope("https://example.com/a", html=5), False),
    (envelope("https://example.com/a", html="x", status="200"), False),
    (envelope("https://example.com/a", html="x", status=True), False),
    (envelope("https://example.com/a", html="x", headers={"Age": {"x": 1}}), False),
    (envelope("https://example.com/a", html="x", headers={"Age": [["1"]]}), False),
    (envelope("https://example.com/a", html="x", headers={"Age": True}), False),
    (envelope("https://example.com/a", html="x", fetched_at="yesterday"), False),
    (envelope("https://example.com/a", html="x", fetched_at=True), False),
    (envelope("https://example.com/a", html="x", content_type=5), False),
    (orjson.dumps({"html": "<p>x</p>"}), False),
    (orjson.dumps(["https://example.com/a"]), False),
]


@pytest.mark.parametrize("value, accepted", ENVELOPES)
def test_the_envelope_schema_accepts_what_the_worker_accepts(value, accepted):
    parsed = parse_envelope(RawRecord(Origin("in", 0, 0), None, value))
    assert isinstance(parsed, RawPage) is accepted
    assert validator("envelope").is_valid(orjson.loads(value)) is accepted
