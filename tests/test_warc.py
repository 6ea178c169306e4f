"""WARC input: which records are pages, how they map to envelopes, and what a damaged file leaves."""

import base64
import gzip
import io

import orjson
import pytest

from tests.factories import story
from tests.warcs import FETCHED_AT, Response, chunked, write_warc
from worker.core.envelope import parse_envelope
from worker.core.model import Origin, RawRecord
from worker.tools.inputs import Inputs, SkippedRecord
from worker.tools.warc import Skipped, WarcPage, read_warc


def pages(count: int) -> list[Response]:
    return [Response(url, html.encode()) for url, html in (story(i) for i in range(count))]


def read(path) -> list[WarcPage | Skipped]:
    with open(path, "rb") as stream:
        return list(read_warc(stream))


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_response_records_become_envelopes_with_the_warc_fields(tmp_path, name):
    url, html = story(1)
    offsets = write_warc(tmp_path / name, [Response(url, html.encode(), fetched_at="2023-09-01T12:00:00Z",
                                                    headers=(("Content-Type", "text/html"), ("Set-Cookie", "a=1"),
                                                             ("Set-Cookie", "b=2")))])
    [request, page] = read(tmp_path / name)
    assert request == Skipped(0, "not_response")
    assert isinstance(page, WarcPage) and page.offset == offsets[0] > 0
    envelope = orjson.loads(page.envelope)
    assert envelope["url"] == url and envelope["fetched_at"] == "2023-09-01T12:00:00Z" and envelope["status"] == 200
    assert envelope["headers"] == {"Content-Type": "text/html", "Set-Cookie": ["a=1", "b=2"]}
    assert base64.b64decode(envelope["body"]) == html.encode()
    raw = parse_envelope(RawRecord(Origin("t", 0, 0), None, page.envelope))
    assert raw.url == url and raw.fetched_at.isoformat() == "2023-09-01T12:00:00+00:00"


def test_a_gzipped_warc_is_gzip_members_and_its_offsets_point_at_them(tmp_path):
    offsets = write_warc(tmp_path / "crawl.warc.gz", pages(3))
    data = (tmp_path / "crawl.warc.gz").read_bytes()
    for offset, page in zip(offsets, (item for item in read(tmp_path / "crawl.warc.gz") if isinstance(item, WarcPage)),
                            strict=True):
        assert page.offset == offset
        member = gzip.GzipFile(fileobj=io.BytesIO(data[offset:])).read(200)  # a reader seeking there finds it
        assert member.startswith(b"WARC/1.") and page.url.encode() in member


def test_non_html_responses_are_skipped_and_xhtml_is_read(tmp_path):
    write_warc(tmp_path / "mixed.warc", [
        Response("https://example.com/logo.png", b"\x89PNG\r\n", (("Content-Type", "image/png"),)),
        Response("https://example.com/feed", b"<rss/>", (("Content-Type", "application/rss+xml"),)),
        Response("https://example.com/x", b"<html xmlns='http://www.w3.org/1999/xhtml'/>",
                 (("Content-Type", "application/xhtml+xml; charset=utf-8"),)),
    ], requests=False)
    items = read(tmp_path / "mixed.warc")
    assert [item.reason for item in items if isinstance(item, Skipped)] == ["not_html", "not_html"]
    assert [item.url for item in items if isinstance(item, WarcPage)] == ["https://example.com/x"]


def test_a_chunked_payload_is_decoded_and_its_transfer_headers_dropped(tmp_path):
    url, html = story(2)
    write_warc(tmp_path / "chunked.warc", [Response(url, chunked(html.encode()), (
        ("Content-Type", "text/html"), ("Transfer-Encoding", "chunked"), ("Content-Encoding", "identity")))])
    [_, page] = read(tmp_path / "chunked.warc")
    envelope = orjson.loads(page.envelope)
    assert base64.b64decode(envelope["body"]) == html.encode()
    assert envelope["headers"] == {"Content-Type": "text/html", "Content-Encoding": "identity"}


def test_a_gzip_content_encoding_stays_for_the_pipeline_to_undo(tmp_path):
    url, html = story(3)
    write_warc(tmp_path / "gz.warc", [Response(url, gzip.compress(html.encode()), (
        ("Content-Type", "text/html"), ("Content-Encoding", "gzip")))])
    [_, page] = read(tmp_path / "gz.warc")
    assert gzip.decompress(base64.b64decode(orjson.loads(page.envelope)["body"])) == html.encode()


@pytest.mark.parametrize("name", ["cut.warc", "cut.warc.gz"])
def test_a_truncated_final_record_is_reported_and_what_came_before_is_kept(tmp_path, name):
    offsets = write_warc(tmp_path / name, pages(3))
    whole = (tmp_path / name).read_bytes()
    (tmp_path / name).write_bytes(whole[:-40])
    items = read(tmp_path / name)
    assert [item.offset for item in items if isinstance(item, WarcPage)] == offsets[:2]
    assert items[-1] == Skipped(offsets[2], "truncated")


def test_inputs_name_the_warc_file_and_record_offset(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    offsets = write_warc(path, pages(2))
    records = list(Inputs([str(path)]))
    assert [r.origin for r in records if isinstance(r, RawRecord)] == [Origin(str(path), 0, o) for o in offsets]
    assert sum(isinstance(r, SkippedRecord) for r in records) == 2
    assert orjson.loads(records[1].value)["fetched_at"] == FETCHED_AT
