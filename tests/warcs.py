"""WARC files written for the tests, with warcio: what a crawler (wget --warc-file, Heritrix) writes."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

FETCHED_AT = "2024-04-18T07:45:00Z"


@dataclass(frozen=True)
class Response:
    url: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
    status: str = "200 OK"
    fetched_at: str = FETCHED_AT


def chunked(body: bytes, size: int = 100) -> bytes:
    """`body` in HTTP/1.1 chunked transfer encoding."""
    chunks = [body[i:i + size] for i in range(0, len(body), size)]
    return b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for chunk in chunks) + b"0\r\n\r\n"


def write_warc(path: Path, responses: list[Response], requests: bool = True) -> list[int]:
    """A WARC (gzipped per record if the name ends in .gz): each response, after a request record for it when
    `requests`. Returns each response record's offset in the file."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=path.name.endswith(".gz"))
    offsets = []
    for response in responses:
        if requests:
            writer.write_record(writer.create_warc_record(
                response.url, "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\nHost: example\r\n\r\n")))
        offsets.append(buffer.tell())
        http = StatusAndHeaders(response.status, list(response.headers), protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            response.url, "response", payload=io.BytesIO(response.body), http_headers=http,
            warc_headers_dict={"WARC-Date": response.fetched_at}))
    path.write_bytes(buffer.getvalue())
    return offsets
