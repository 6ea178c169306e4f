"""Mapping between pipeline values and Kafka records: what the worker consumes and produces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from worker.model import Article, DeadLetter, Origin, RawRecord

MAX_DLQ_MESSAGE_CHARS = 500  # the header explains; the full story is in the logs


@dataclass(frozen=True, slots=True)
class OutgoingRecord:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]


def from_consumer_record(message) -> RawRecord:
    return RawRecord(
        origin=Origin(message.topic, message.partition, message.offset),
        key=message.key,
        value=message.value,
        headers=tuple((name, value or b"") for name, value in (message.headers or ())),
        timestamp_ms=message.timestamp,
    )


def article_json(article: Article) -> bytes:
    return orjson.dumps(article)


def article_record(topic: str, article: Article) -> OutgoingRecord:
    return OutgoingRecord(
        topic, article.id.encode(), article_json(article), [("content-type", b"application/json")]
    )


def dead_letter_record(topic: str, record: RawRecord, dead_letter: DeadLetter, now: datetime | None = None) -> OutgoingRecord:
    """The original key, value and headers, byte for byte, plus `dlq.*` headers that say why."""
    annotations = {
        "dlq.reason": dead_letter.reason.value,
        "dlq.stage": dead_letter.stage,
        "dlq.error": dead_letter.error,
        "dlq.message": dead_letter.message[:MAX_DLQ_MESSAGE_CHARS],
        "dlq.original.topic": record.origin.topic,
        "dlq.original.partition": str(record.origin.partition),
        "dlq.original.offset": str(record.origin.offset),
        "dlq.time": (now or datetime.now(UTC)).isoformat(timespec="milliseconds"),
    }
    headers = list(record.headers) + [(name, value.encode("utf-8", "replace")) for name, value in annotations.items()]
    return OutgoingRecord(topic, record.key, record.value, headers)
