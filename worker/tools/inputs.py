"""The inputs of `worker extract` as raw records: JSON Lines envelopes, HTML files, WARC files.

Each record's origin names its file (`-` for stdin) and where in it the record starts: the line number of
an envelope (from 1), 0 for an HTML file, the byte offset of a WARC record in the file as stored.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

import lxml.html
import zstandard

from worker.core.model import Origin, RawRecord
from worker.tools.warc import Skipped, WarcPage, read_warc

STDIN = "-"
WARC_SUFFIXES = (".warc", ".warc.gz", ".warc.zst")
JSON_LINES_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".json", ".json.gz", ".json.zst")
HEAD_BYTES = 256 * 1024  # a page's canonical link and og:url sit in its head, well before this


@dataclass(frozen=True, slots=True)
class SkippedRecord:
    """An input that is no page (a WARC request record, an image): counted, never run."""

    origin: Origin
    reason: str


class Inputs:
    """The records of the given files, in order; `position` counts the bytes read so far, as stored."""

    def __init__(self, paths: list[str], base_url: str | None = None, warc: bool = False) -> None:
        """`warc`: every file is a WARC, whatever its name; else each is read by its name's suffix."""
        self.paths, self.base_url, self.warc = paths, base_url, warc
        self._done_bytes = 0  # of the files finished
        self._current: BinaryIO | None = None

    @property
    def total_bytes(self) -> int | None:
        """The size of every input, or None when one is a stream."""
        if STDIN in self.paths:
            return None
        return sum(os.path.getsize(path) for path in self.paths)

    @property
    def position(self) -> int:
        try:
            current = self._current.tell() if self._current is not None else 0
        except (OSError, ValueError):  # a pipe, or closed
            current = 0
        return self._done_bytes + current

    def __iter__(self) -> Iterator[RawRecord | SkippedRecord]:
        for path in self.paths:
            with open_raw(path) as raw:
                self._current = raw
                yield from self._records(path, raw)
            self._current = None
            self._done_bytes += os.path.getsize(path) if path != STDIN else 0

    def _records(self, path: str, raw: BinaryIO) -> Iterator[RawRecord | SkippedRecord]:
        name = path.lower()
        if self.warc or name.endswith(WARC_SUFFIXES):
            yield from warc_records(path, raw)
        elif path == STDIN or name.endswith(JSON_LINES_SUFFIXES):
            yield from json_lines(path, decompressed(name, raw))
        else:
            yield html_record(path, raw.read(), self.base_url)


def expand(paths: list[str], directories: list[str]) -> list[str]:
    """The files to read: those named, then every file under each directory (a named directory too), sorted.
    Raises OSError for one that does not exist."""
    files = []
    for path in paths:
        if path != STDIN and Path(path).is_dir():
            directories = [*directories, path]
        elif path == STDIN or Path(path).is_file():
            files.append(path)
        else:
            raise FileNotFoundError(2, "no such file", path)
    for directory in directories:
        if not Path(directory).is_dir():
            raise NotADirectoryError(20, "not a directory", directory)
        files += sorted(str(p) for p in Path(directory).rglob("*") if p.is_file())
    return files


def open_raw(path: str) -> contextlib.AbstractContextManager[BinaryIO]:
    return contextlib.nullcontext(sys.stdin.buffer) if path == STDIN else open(path, "rb")


def decompressed(name: str, raw: BinaryIO) -> BinaryIO:
    if name.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw)
    if name.endswith(".zst"):
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw))  # which has no readline
    return raw


def json_lines(path: str, lines: BinaryIO) -> Iterator[RawRecord]:
    for number, line in enumerate(lines, start=1):
        if line.strip():  # a blank line is no record
            yield RawRecord(origin=Origin(path, 0, number), key=None, value=line.strip())


def warc_records(path: str, raw: BinaryIO) -> Iterator[RawRecord | SkippedRecord]:
    for item in read_warc(raw):
        origin = Origin(path, 0, item.offset)
        if isinstance(item, WarcPage):
            yield RawRecord(origin=origin, key=item.url.encode(), value=item.envelope)
        elif isinstance(item, Skipped):
            yield SkippedRecord(origin, item.reason)


def html_record(path: str, html: bytes, base_url: str | None) -> RawRecord:
    """A raw HTML record (README, "Raw HTML bytes"), its URL in the key: the page's own, else --base-url plus
    the file's name; with neither, the key is the file name and the record an invalid_envelope dead letter."""
    url = page_url(html, base_url) or (urljoin(base_url, Path(path).name) if base_url else Path(path).name)
    return RawRecord(origin=Origin(path, 0, 0), key=url.encode(), value=html)


def page_url(html: bytes, base_url: str | None) -> str | None:
    """The page's canonical link, else its og:url, made absolute against `base_url`."""
    head = html[:HEAD_BYTES]
    end = head.lower().find(b"<body")
    try:
        root = lxml.html.fromstring(head[:end] if end > 0 else head)
    except (ValueError, lxml.etree.ParserError):
        return None
    for found in (root.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href"),
                  root.xpath("//meta[@property='og:url']/@content")):
        url = next((value.strip() for value in found if value.strip()), None)
        if url:
            return urljoin(base_url, url) if base_url else url
    return None

