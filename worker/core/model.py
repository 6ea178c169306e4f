"""The message kinds that flow through the pipeline, as frozen values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

SCHEMA_VERSION = 2  # 2: timestamps in UTC with precision and offset; hostname, categories, license, page_type
MAX_STACKTRACE_CHARS = 4000  # of a dead letter's traceback: its end, where the innermost frames and the error are
TRUNCATED_STACKTRACE = "... (traceback truncated; its innermost frames follow)\n"


@dataclass(frozen=True, slots=True)
class Origin:
    """Coordinates of an input record."""

    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class RawRecord:
    """A Kafka record as consumed, untouched."""

    origin: Origin
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...] = ()
    timestamp_ms: int | None = None
    timestamp_type: int | None = None  # Kafka's: 0 set by the producer (CreateTime), 1 by the broker (LogAppendTime)


@dataclass(frozen=True, slots=True)
class RawPage:
    """A crawled page, unwrapped from its envelope but not yet decoded."""

    url: str
    body: bytes | str  # str when the envelope carried `html`, bytes otherwise
    http_headers: dict[str, str] = field(default_factory=dict)  # lower-cased names
    status: int | None = None
    fetched_at: datetime | None = None
    content_type: str | None = None


@dataclass(frozen=True, slots=True)
class Page:
    """A decoded HTML page, ready for extraction."""

    url: str
    html: str
    fetched_at: datetime | None
    last_modified: str | None = None  # the HTTP Last-Modified header, as sent (RFC 2822)


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one page may cost; beyond them it is a `too_large` dead letter."""

    max_page_bytes: int = 10 * 1024 * 1024  # as received, and again after decompression
    max_elements: int = 50_000  # HTML elements; articles have a few thousand, giant tables take seconds each


class Reason(StrEnum):
    """Why a record became a dead letter (the `dlq.reason` header)."""

    INVALID_ENVELOPE = "invalid_envelope"
    NOT_HTML = "not_html"
    TOO_LARGE = "too_large"
    DECODE_ERROR = "decode_error"
    NO_CONTENT = "no_content"
    NOT_ARTICLE = "not_article"
    EXTRACTION_ERROR = "extraction_error"
    EXTRACTION_TIMEOUT = "extraction_timeout"
    EXTRACTION_CRASH = "extraction_crash"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A failure as a value: what went wrong, where, and why."""

    reason: Reason
    stage: str
    message: str
    error: str = ""  # exception class name, when an exception caused it
    stacktrace: str = ""  # the exception's traceback, when an unexpected one caused it; its end when long
    page_type: PageType | None = None  # for not_article: the type detected, which the settings do not publish

    def __post_init__(self) -> None:
        if len(self.stacktrace) > MAX_STACKTRACE_CHARS:
            object.__setattr__(self, "stacktrace", _tail(self.stacktrace))


def _tail(stacktrace: str) -> str:
    """The end of a traceback, from a line's beginning, within MAX_STACKTRACE_CHARS."""
    end = stacktrace[len(stacktrace) - (MAX_STACKTRACE_CHARS - len(TRUNCATED_STACKTRACE)):]
    return TRUNCATED_STACKTRACE + (end[end.find("\n") + 1:] if "\n" in end[:-1] else end)


class PageType(StrEnum):
    """What kind of page an article record comes from."""

    ARTICLE = "article"
    FORUM = "forum"
    DOCUMENTATION = "documentation"
    PRODUCT = "product"
    SERVICE = "service"
    LISTING = "listing"  # an index of other pages: a front page, a section, search results, a product grid


PUBLISHED_TYPES = frozenset({PageType.ARTICLE})  # what news monitoring wants: the default


@dataclass(frozen=True, slots=True)
class Article:
    """The normalized article record published to the output topic (schema/article.schema.json)."""

    id: str
    url: str
    canonical_url: str
    hostname: str
    title: str
    authors: tuple[str, ...]
    published_at: str | None  # RFC 3339 in UTC, to the second: 2024-03-05T09:00:00Z
    published_precision: str | None  # a worker.core.timestamps.Precision; finer parts of published_at are zero
    published_offset: str | None  # the page's own UTC offset, "+09:00", when it gave one
    modified_at: str | None
    modified_precision: str | None
    modified_offset: str | None
    language: str | None
    language_confidence: float | None
    text: str
    word_count: int
    origin: Origin | None
    site_name: str | None
    description: str | None
    image: str | None
    tags: tuple[str, ...]
    categories: tuple[str, ...]
    license: str | None
    captions: tuple[str, ...]
    fetched_at: str | None
    content_hash: str
    simhash: str
    extractor: str
    worker_version: str
    page_type: PageType = PageType.ARTICLE
    schema_version: int = SCHEMA_VERSION


Outcome = Article | DeadLetter
