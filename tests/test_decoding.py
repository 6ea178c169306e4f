import gzip
import zlib

import brotli
import pytest
import zstandard

from worker.core.decoding import decode_page, to_text
from worker.core.model import DeadLetter, Limits, Page, RawPage, Reason

HTML = "<html><head><title>Café</title></head><body><p>Grüße aus Köln — „Zitat“</p></body></html>"


def decode(body, **fields):
    return decode_page(RawPage(url="https://example.com/", body=body, **fields), Limits(max_page_bytes=1_000_000))


@pytest.mark.parametrize("compress, encoding", [
    (gzip.compress, ""),
    (zlib.compress, ""),
    (zstandard.ZstdCompressor().compress, ""),
    (brotli.compress, "br"),
    (lambda data: zlib.compress(data)[2:-4], "deflate"),  # raw deflate, as some servers send it
])
def test_compressed_bodies_are_sniffed_and_inflated(compress, encoding):
    page = decode(compress(HTML.encode()), http_headers={"content-encoding": encoding} if encoding else {})
    assert isinstance(page, Page) and page.html == HTML


def test_a_compression_bomb_stops_at_the_cap():
    bomb = gzip.compress(b"<p>" + b"a" * 50_000_000)
    outcome = decode(bomb)
    assert isinstance(outcome, DeadLetter) and outcome.reason is Reason.TOO_LARGE


def test_pages_over_the_size_limit_are_refused():
    assert decode(b"<p>" * 400_000).reason is Reason.TOO_LARGE
    assert decode("<p>" * 400_000).reason is Reason.TOO_LARGE


@pytest.mark.parametrize("body, content_type", [
    (b"%PDF-1.7\n...", None),
    (b"\x89PNG\r\n\x1a\n....", None),
    (b"<html></html>", "application/pdf"),
    (b"\x00\x01\x02binary\x00", None),
    (b"just words, no markup at all", None),
])
def test_non_html_is_a_dead_letter(body, content_type):
    outcome = decode(body, content_type=content_type)
    assert isinstance(outcome, DeadLetter) and outcome.reason is Reason.NOT_HTML


def test_corrupt_compression_is_a_decode_error():
    assert decode(b"\x1f\x8b\x08\x00garbage").reason is Reason.DECODE_ERROR


def test_charset_order_bom_then_header_then_meta():
    assert to_text(b"\xef\xbb\xbf<p>\xc3\xa9</p>") == "<p>é</p>"
    header = __import__("re").search(r"charset=(\S+)", "text/html; charset=koi8-r")
    assert to_text("<p>привет</p>".encode("koi8-r"), header) == "<p>привет</p>"
    meta = '<meta charset="shift_jis"><p>日本語</p>'.encode("shift_jis")
    assert "日本語" in to_text(meta)


def test_iso_8859_1_is_decoded_as_windows_1252():
    assert to_text(b'<meta charset="iso-8859-1"><p>\x93quoted\x94 \x80</p>').endswith("<p>“quoted” €</p>")


def test_a_wrong_legacy_label_on_utf8_bytes_trusts_the_bytes():
    assert to_text('<meta charset="iso-8859-1"><p>Grüße</p>'.encode()) .endswith("<p>Grüße</p>")


def test_mixed_encodings_keep_both_parts_readable():
    utf8 = "<p>Grüße aus Köln, wie immer mit schönem Wetter.</p>" * 20
    mixed = utf8.encode() + "<p>Café</p>".encode("cp1252")
    assert to_text(mixed) == utf8 + "<p>Café</p>"


def test_undeclared_legacy_encoding_is_detected():
    text = "<p>" + "Всем привет, это длинный русский текст о погоде и новостях. " * 20 + "</p>"
    assert to_text(text.encode("cp1251")) == text


@pytest.mark.parametrize("body", [
    b"<p>a\x07b\x1bc\x7fd</p>",
    b"<p>ab\x01c\x1fd</p>",
    "<p>a\ud800b\x07cd</p>",  # a str body, as the envelope's html field gives, may hold lone surrogates
])
def test_control_characters_and_surrogates_are_removed(body):
    assert decode(body).html == "<p>abcd</p>"


def test_a_clean_page_is_left_alone():
    assert decode(HTML.encode()).html == HTML
