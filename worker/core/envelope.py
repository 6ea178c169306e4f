"""Unwrap a Kafka record into a RawPage: a JSON envelope, or raw HTML with the URL in the key or a header."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from urllib.parse import urlsplit

import orjson
import pybase64

from worker.core.model import DeadLetter, RawPage, RawRecord, Reason

STAGE = "envelope"
MAX_URL_LENGTH = 8192  # longer is not a real crawl URL; browsers cap near 2 MB but servers near 8 KB


class EnvelopeError(ValueError):
    """The record does not hold a usable page."""


def parse_envelope(record: RawRecord) -> RawPage | DeadLetter:
    try:
        return _parse(record)
    except EnvelopeError as err:
        return DeadLetter(Reason.INVALID_ENVELOPE, STAGE, str(err), type(err).__name__)


def _parse(record: RawRecord) -> RawPage:
    value = record.value
    if not value:
        raise EnvelopeError("empty record value")
    if value.lstrip()[:1] in (b"{", b"["):
        return _from_json(value)
    headers = {name.lower(): raw for name, raw in record.headers}
    url = _header_text(headers.get("url")) or _header_text(record.key)
    content_type = _header_text(headers.get("content-type"))
    return RawPage(url=_valid_url(url), body=value, content_type=content_type)


def _from_json(value: bytes) -> RawPage:
    try:
        envelope = orjson.loads(value)
    except orjson.JSONDecodeError:
        envelope = _loads_lenient(value)
    if not isinstance(envelope, dict):
        raise EnvelopeError(f"envelope is a JSON {type(envelope).__name__}, not an object")
    body = _body(envelope)
    headers = _http_headers(_optional(envelope, "headers", dict) or {})
    status = _optional(envelope, "status", int)
    if isinstance(status, bool):
        raise EnvelopeError("field 'status' must be an integer")
    return RawPage(
        url=_valid_url(envelope.get("url")),
        body=body,
        http_headers=headers,
        status=status,
        fetched_at=_timestamp(envelope.get("fetched_at")),
        content_type=_optional(envelope, "content_type", str),
    )


def _http_headers(headers: dict) -> dict[str, str]:
    """Header values as text, by lower-cased name. Crawlers send a multi-valued header as a list (Scrapy does),
    read as its values joined with ", " (RFC 9110's combined field value), and numbers as JSON numbers; a null,
    or an empty list, is no header."""
    texts = {}
    for name, value in headers.items():
        values = [v for v in (value if isinstance(value, list) else [value]) if v is not None]
        if values:
            texts[name.lower()] = ", ".join(_header_value(name, v) for v in values)
    return texts


def _header_value(name: str, value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    kind = "a list inside a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "a boolean"
    raise EnvelopeError(f"field 'headers': header {name!r} is {kind}; a value is a string, a number or a list of them")


def _loads_lenient(value: bytes) -> object:
    """orjson rejects lone surrogates; the stdlib accepts them, and decoding cleans them later."""
    try:
        return json.loads(value.decode("utf-8", errors="surrogatepass"))
    except (ValueError, UnicodeDecodeError) as err:
        raise EnvelopeError(f"invalid JSON: {err}") from err


def _body(envelope: dict) -> bytes | str:
    html, body = envelope.get("html"), envelope.get("body")
    if html is not None:
        if not isinstance(html, str):
            raise EnvelopeError("field 'html' must be a string")
        return html
    if body is None:
        raise EnvelopeError("envelope has neither 'html' nor 'body'")
    if not isinstance(body, str):
        raise EnvelopeError("field 'body' must be a base64 string")
    try:
        return pybase64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        pass  # pybase64 also refuses padding after a whole quad ("QUJD="), which the standard library accepts
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError) as err:
        raise EnvelopeError(f"field 'body' is not valid base64: {err}") from err


def _optional(envelope: dict, name: str, kind: type):
    value = envelope.get(name)
    if value is not None and not isinstance(value, kind):
        raise EnvelopeError(f"field '{name}' must be of type {kind.__name__}, not {type(value).__name__}")
    return value


def _header_text(raw: bytes | None) -> str | None:
    if not raw:
        return None
    try:
        return raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None


def _valid_url(url: object) -> str:
    if not isinstance(url, str) or not url:
        raise EnvelopeError("missing 'url'")
    url = url.strip()
    if len(url) > MAX_URL_LENGTH or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise EnvelopeError("invalid 'url': too long or contains whitespace or control characters")
    try:
        parts = urlsplit(url)
    except ValueError as err:
        raise EnvelopeError(f"invalid 'url': {err}") from err
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise EnvelopeError("invalid 'url': not an absolute http(s) URL")
    return url


def _timestamp(value: object) -> datetime | None:
    if value is None:
        return None
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError) as err:
        raise EnvelopeError(f"invalid 'fetched_at': {err}") from err
    raise EnvelopeError("field 'fetched_at' must be an ISO 8601 string or epoch seconds")
