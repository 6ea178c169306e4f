import base64
import binascii

import orjson
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.factories import envelope
from worker.core.envelope import parse_envelope
from worker.core.model import DeadLetter, Origin, RawPage, RawRecord, Reason


def record(value, key=None, headers=()):
    return RawRecord(Origin("in", 0, 7), key, value, tuple(headers))


def test_json_envelope_with_html_and_optional_fields():
    page = parse_envelope(record(envelope(
        "https://example.com/a", html="<p>x</p>", status=200, fetched_at="2024-01-02T03:04:05Z",
        headers={"Content-Type": "text/html; charset=utf-8"})))
    assert isinstance(page, RawPage)
    assert page.body == "<p>x</p>" and page.status == 200
    assert page.fetched_at.isoformat() == "2024-01-02T03:04:05+00:00"
    assert page.http_headers == {"content-type": "text/html; charset=utf-8"}


def test_json_envelope_with_base64_body_and_epoch_time():
    page = parse_envelope(record(envelope("https://example.com/a", body=b"<p>\xe9</p>", fetched_at=1700000000)))
    assert page.body == b"<p>\xe9</p>"
    assert page.fetched_at.year == 2023


def test_raw_html_takes_the_url_from_a_header_or_the_key():
    from_header = parse_envelope(record(b"<html></html>", key=b"ignored", headers=[("url", b"https://a.example/x")]))
    from_key = parse_envelope(record(b"<html></html>", key=b"https://b.example/y"))
    assert (from_header.url, from_key.url) == ("https://a.example/x", "https://b.example/y")


@pytest.mark.parametrize("value, expected", [
    (b"", "empty record value"),
    (b"{not json", "invalid JSON"),
    (b"[1, 2]", "not an object"),
    (b'{"html": "<p>x</p>"}', "missing 'url'"),
    (b'{"url": "ftp://example.com/x", "html": "x"}', "not an absolute http(s) URL"),
    (b'{"url": "https://exa mple.com/", "html": "x"}', "whitespace"),
    (b'{"url": "https://example.com/", "html": 5}', "'html' must be a string"),
    (b'{"url": "https://example.com/", "body": "@@@"}', "not valid base64"),
    (b'{"url": "https://example.com/", "html": "x", "status": "200"}', "'status'"),
    (b'{"url": "https://example.com/", "html": "x", "headers": {"a": {"b": 1}}}', "header 'a'"),
    (b'{"url": "https://example.com/", "html": "x", "headers": {"a": [{"b": 1}]}}', "header 'a'"),
    (b'{"url": "https://example.com/", "html": "x", "headers": {"a": ["x", ["y"]]}}', "header 'a'"),
    (b'{"url": "https://example.com/", "html": "x", "headers": {"a": true}}', "header 'a'"),
    (b'{"url": "https://example.com/", "html": "x", "headers": ["a"]}', "'headers'"),
    (b'{"url": "https://example.com/", "html": "x", "fetched_at": "yesterday"}', "'fetched_at'"),
    (b"<html>no url anywhere</html>", "missing 'url'"),
])
def test_bad_envelopes_are_dead_letters_that_say_why(value, expected):
    outcome = parse_envelope(record(value))
    assert isinstance(outcome, DeadLetter)
    assert outcome.reason is Reason.INVALID_ENVELOPE and outcome.stage == "envelope"
    assert expected in outcome.message


def test_lone_surrogates_in_json_do_not_reject_the_page():
    page = parse_envelope(record(b'{"url": "https://example.com/", "html": "<p>a\\ud800b</p>"}'))
    assert isinstance(page, RawPage)
    assert page.body.startswith("<p>a")


def test_body_base64_roundtrip_is_byte_exact():
    raw = bytes(range(256))
    page = parse_envelope(record(b'{"url": "https://example.com/", "body": "%s"}' % base64.b64encode(raw)))
    assert page.body == raw


@given(st.text(alphabet="QUJDabc019+/= \n-_*é", max_size=14))
@example("QUJD=")  # padding after a whole quad: the standard library accepts it, pybase64 alone would not
@example("QUJ=D")
@example("QUI=")
def test_body_is_accepted_and_decoded_exactly_as_the_standard_library_does(body):
    """The fast decoder changes the speed only: the same bodies are accepted, to the same bytes."""
    try:
        expected = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        expected = None
    outcome = parse_envelope(record(orjson.dumps({"url": "https://example.com/", "body": body})))
    if expected is None:
        assert isinstance(outcome, DeadLetter) and "not valid base64" in outcome.message
    else:
        assert isinstance(outcome, RawPage) and outcome.body == expected


def test_header_lists_and_numbers_are_read_as_text():
    """Scrapy sends multi-valued headers as lists; some crawlers send numbers. Nulls say nothing."""
    page = parse_envelope(record(envelope("https://example.com/a", html="<p>x</p>", headers={
        "Set-Cookie": ["a=1", "b=2"], "Content-Length": 1234, "Age": 1.5, "Vary": ["Accept", 7],
        "Content-Type": ["text/html"], "X-Empty": None, "X-None": [None, "v"], "X-Nothing": [],
    })))
    assert isinstance(page, RawPage)
    assert page.http_headers == {
        "set-cookie": "a=1, b=2", "content-length": "1234", "age": "1.5", "vary": "Accept, 7",
        "content-type": "text/html", "x-none": "v",
    }
