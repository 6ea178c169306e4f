"""WARC response records as page envelopes, for `worker extract` and `worker produce --warc`.

fastwarc reads them: 2.2x warcio's rate on the same files (docs/throughput.md). Records stream one at a time,
so a WARC of any size takes the memory of its largest record.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

import orjson
import pybase64
from fastwarc.warc import ArchiveIterator, WarcRecordType

HTML_TYPES = ("text/html", "application/xhtml+xml")
# The payload is handed on as received but for its transfer encoding, which fastwarc undoes ("transfer"):
# these headers described the bytes as they travelled, not the bytes we hand on.
TRANSFER_HEADERS = frozenset({"transfer-encoding", "content-length"})


@dataclass(frozen=True, slots=True)
class WarcPage:
    offset: int  # of the record in the file, as stored (compressed): where `dd`/a CDX index finds it
    url: str
    envelope: bytes  # a JSON envelope (README, "Input: the page envelope") with the body in base64


@dataclass(frozen=True, slots=True)
class Skipped:
    offset: int
    reason: str  # "not_response", "not_html", "truncated"


def read_warc(stream: BinaryIO) -> Iterator[WarcPage | Skipped]:
    """Every record of the WARC, in order: response records with an HTML content type as pages, the rest as
    skipped. A record cut short (the file ends inside it) is skipped as truncated; what came before stands."""
    records = ArchiveIterator(stream, record_types=WarcRecordType.any_type, parse_http=False)
    offset = 0
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except OSError:  # a compressed member cut short, or a broken record header: nothing more to read
            yield Skipped(offset, "truncated")
            return
        offset = record.stream_pos
        if record.record_type != WarcRecordType.response:
            yield Skipped(offset, "not_response")
            continue
        record.parse_http(auto_decode="transfer")
        http = record.http_headers
        if http is None or (record.http_content_type or "").lower() not in HTML_TYPES:
            yield Skipped(offset, "not_html" if http is not None else "not_response")
            continue
        expected = record.content_length - record.reader.tell()  # the payload's length, before transfer decoding
        body = record.reader.read()
        if _truncated(record, len(body), expected):
            yield Skipped(offset, "truncated")
            continue
        url = record.headers.get("WARC-Target-URI", "")
        yield WarcPage(offset, url, _envelope(url, record.headers.get("WARC-Date"), http.status_code,
                                              _headers(http.items()), body))


def _envelope(url: str, fetched_at: str | None, status: int, headers: dict, body: bytes) -> bytes:
    """The JSON envelope, its base64 body (70 times the standard library's rate) joined in as bytes: base64 needs
    no JSON escaping, and serializing a string of a few hundred KB cost more than the rest of the record."""
    fields = orjson.dumps({"url": url, "fetched_at": fetched_at, "status": status, "headers": headers})
    return b"".join((fields[:-1], b',"body":"', pybase64.b64encode(body), b'"}'))


def _truncated(record, received: int, expected: int) -> bool:
    if "chunked" in (record.http_headers.get("Transfer-Encoding") or "").lower():
        return False  # decoded: its length differs; fastwarc ends it at the terminating chunk or at the file's end
    return received < expected


def _headers(items: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """HTTP headers by name; a repeated header as a list of its values (the envelope joins them)."""
    headers: dict[str, str | list[str]] = {}
    for name, value in items:
        if name.lower() in TRANSFER_HEADERS:
            continue
        if name in headers:
            previous = headers[name]
            headers[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            headers[name] = value
    return headers
