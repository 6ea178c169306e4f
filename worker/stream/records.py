"""Mapping between pipeline values and Kafka records: what the worker consumes and produces."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

import orjson

from worker.core.model import Article, DeadLetter, Origin, Outcome, RawRecord, Reason

MAX_DLQ_MESSAGE_CHARS = 500  # the header explains; the full story is in the logs
TIMESTAMP_TYPES = {0: "CreateTime", 1: "LogAppendTime"}  # Kafka's names, as Spring Kafka's dead letters give them


class Kind(StrEnum):
    ARTICLE = "article"
    DEAD_LETTER = "dead_letter"


@dataclass(frozen=True, slots=True)
class OutgoingRecord:
    kind: Kind
    topic: str
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]

    @property
    def reason(self) -> str | None:
        """A dead letter's reason."""
        return dict(self.headers)["dlq.reason"].decode() if self.kind is Kind.DEAD_LETTER else None


@dataclass(frozen=True, slots=True)
class Outputs:
    """Where each outcome goes, and the size limit that turns an article into a too_large dead letter."""

    article_topic: str
    dead_letter_topic: str
    max_article_bytes: int
    consumer_group: str | None = None  # that consumed the input, for the dead letters' headers

    def of(self, record: RawRecord, outcome: Outcome) -> OutgoingRecord:
        if isinstance(outcome, Article):
            return article_record(self.article_topic, outcome)
        return dead_letter_record(self.dead_letter_topic, record, outcome, consumer_group=self.consumer_group)

    def oversized(self, outgoing: OutgoingRecord) -> str | None:
        """Why an article may not be published as it is, if it may not."""
        if outgoing.kind is Kind.ARTICLE and len(outgoing.value) > self.max_article_bytes:
            return f"article of {len(outgoing.value)} bytes is over the limit of {self.max_article_bytes}"
        return None

    def too_large(self, record: RawRecord, message: str) -> OutgoingRecord:
        """An article over a size limit: the original record goes to the dead letters instead."""
        return self.of(record, DeadLetter(Reason.TOO_LARGE, "produce", message[:300], "MessageSizeTooLargeError"))


def from_consumer_record(message) -> RawRecord:
    return RawRecord(
        origin=Origin(message.topic, message.partition, message.offset),
        key=message.key,
        value=message.value,
        headers=tuple((name, value or b"") for name, value in (message.headers or ())),
        timestamp_ms=message.timestamp,
        timestamp_type=message.timestamp_type,
    )


def article_json(article: Article) -> bytes:
    return orjson.dumps(article)


def article_record(topic: str, article: Article) -> OutgoingRecord:
    return OutgoingRecord(
        Kind.ARTICLE, topic, article.id.encode(), article_json(article), [("content-type", b"application/json")]
    )


def dead_letter_record(topic: str, record: RawRecord, dead_letter: DeadLetter, now: datetime | None = None,
                       consumer_group: str | None = None) -> OutgoingRecord:
    """The original key, value and headers, byte for byte, plus `dlq.*` headers that say why, where from and
    which consumer group gave up on it."""
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
    if record.timestamp_ms is not None and record.timestamp_ms >= 0:  # -1: a record from before Kafka 0.10
        annotations["dlq.original.timestamp"] = str(record.timestamp_ms)
    if record.timestamp_type in TIMESTAMP_TYPES:
        annotations["dlq.original.timestamp.type"] = TIMESTAMP_TYPES[record.timestamp_type]
    if consumer_group:
        annotations["dlq.original.consumer.group"] = consumer_group
    if dead_letter.page_type:  # a page of a type this worker does not publish: replay it to a worker that does
        annotations["dlq.page.type"] = dead_letter.page_type.value
    if dead_letter.stacktrace:  # as Kafka Connect's __connect.errors.exception.stacktrace
        annotations["dlq.exception.stacktrace"] = dead_letter.stacktrace
    headers = list(record.headers) + [(name, value.encode("utf-8", "replace")) for name, value in annotations.items()]
    return OutgoingRecord(Kind.DEAD_LETTER, topic, record.key, record.value, headers)
