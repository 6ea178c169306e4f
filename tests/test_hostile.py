"""Hostile input: each case ends, in bounded time and memory, as the right dead letter or a correct article,
and no exception escapes the pipeline (the daemon never dies)."""

import gzip
import json
import string

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import article_html, envelope, story
from worker.core.model import Article, DeadLetter, Origin, PageType, RawRecord, Reason
from worker.task import Extract

PARAGRAPHS = [f"Paragraph {i} reports what the council decided about the harbour, the schools and the budget."
              for i in range(12)]


def run(value: bytes, key: bytes | None = None, headers=()) -> Article | DeadLetter:
    """Every page type published: these pages test robustness, not page types."""
    return Extract(page_types=frozenset(PageType))(RawRecord(Origin("in", 0, 1), key, value, tuple(headers)))


def dead(outcome, reason: Reason) -> bool:
    return isinstance(outcome, DeadLetter) and outcome.reason is reason


def handled(outcome) -> bool:
    """An outcome the pipeline meant: not its catch-all, which turns any exception into an extraction_error."""
    if dead(outcome, Reason.EXTRACTION_ERROR):
        raise AssertionError(f"the pipeline's catch-all caught {outcome.error}: {outcome.message}\n{outcome.stacktrace}")
    return isinstance(outcome, (Article, DeadLetter))


@pytest.mark.parametrize("value", [b"{", b'{"url": ', b"\xff\xfe{", b"[{]}", b"null", b"42", b'"just a string"'])
def test_invalid_json(value):
    assert dead(run(value), Reason.INVALID_ENVELOPE)


@pytest.mark.parametrize("fields", [
    {"url": 42, "html": "<p>x</p>"},
    {"url": ["https://example.com/"], "html": "<p>x</p>"},
    {"url": "https://example.com/", "html": {"nested": True}},
    {"url": "https://example.com/", "body": 12345},
    {"url": "https://example.com/", "html": "<p>x</p>", "status": True},
    {"url": "https://example.com/", "html": "<p>x</p>", "headers": ["Content-Type"]},
    {"url": "https://example.com/", "html": "<p>x</p>", "fetched_at": {"t": 1}},
])
def test_wrong_field_types(fields):
    assert dead(run(orjson.dumps(fields)), Reason.INVALID_ENVELOPE)


@pytest.mark.parametrize("url", [None, "", "not a url", "javascript:alert(1)", "https://", "http://exa\x00mple.com/",
                                 "https://[::1/", "https://example.com/" + "a" * 10_000])
def test_missing_or_invalid_url(url):
    assert dead(run(orjson.dumps({"url": url, "html": article_html("T", PARAGRAPHS)})), Reason.INVALID_ENVELOPE)


@pytest.mark.parametrize("value", [envelope("https://example.com/", html=""), envelope("https://example.com/", body=b""),
                                   envelope("https://example.com/", html="   \n  ")])
def test_empty_body(value):
    assert dead(run(value), Reason.NO_CONTENT)


def test_binary_junk():
    junk = bytes(range(256)) * 64
    assert dead(run(junk, key=b"https://example.com/junk"), Reason.NOT_HTML)
    assert dead(run(envelope("https://example.com/junk", body=junk)), Reason.NOT_HTML)


@pytest.mark.parametrize("body, content_type", [
    (b"%PDF-1.7\n1 0 obj << >> endobj", "application/pdf"),
    (b"%PDF-1.7\n1 0 obj << >> endobj", None),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", None),
])
def test_pdf_and_images(body, content_type):
    assert dead(run(envelope("https://example.com/file", body=body, content_type=content_type)), Reason.NOT_HTML)


def test_a_50_mb_page_is_refused_without_decoding_it():
    page = b"<html><body>" + b"<p>filler text</p>" * (50 * 1024 * 1024 // 18) + b"</body></html>"
    assert dead(run(page, key=b"https://example.com/huge"), Reason.TOO_LARGE)


def test_a_gzip_bomb_is_capped():
    bomb = gzip.compress(b"<p>" + b"A" * (1024 * 1024 * 1024), compresslevel=9)  # 1 GiB inflated, ~1 MB on the wire
    assert len(bomb) < 2 * 1024 * 1024
    assert dead(run(envelope("https://example.com/bomb", body=bomb)), Reason.TOO_LARGE)


def test_tags_nested_10000_deep_keep_their_text():
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    html = "<html><head><title>Deep page</title></head><body>" + "<div>" * 10_000 + body + "</div>" * 10_000 + "</body></html>"
    article = run(envelope("https://example.com/deep", html=html))
    assert isinstance(article, Article)
    assert article.text.split("\n\n") == PARAGRAPHS


@pytest.mark.parametrize("markup", [
    "<table>" + "<tr><td>cell</td><td>value</td></tr>" * 100_000 + "</table>",
    "<ul>" + "<li>item</li>" * 100_000 + "</ul>",
])
def test_100000_rows_or_items_are_too_large(markup):
    html = article_html("Huge page", PARAGRAPHS, extra_body=markup)
    outcome = run(envelope("https://example.com/rows", html=html))
    assert dead(outcome, Reason.TOO_LARGE) and "elements" in outcome.message


def test_a_wrong_declared_charset_is_overruled_by_the_bytes():
    html = article_html("Grüße aus Köln", [p.replace("council", "Stadtrat für Grünflächen") for p in PARAGRAPHS])
    utf8_labelled_latin1 = html.replace("charset='utf-8'", "charset='iso-8859-1'").encode("utf-8")
    latin1_labelled_utf8 = html.encode("cp1252")
    for body in (utf8_labelled_latin1, latin1_labelled_utf8):
        article = run(envelope("https://example.com/charset", body=body))
        assert "Stadtrat für Grünflächen" in article.text and article.title == "Grüße aus Köln"


def test_mixed_encodings_lose_nothing():
    html = article_html("Mixed", PARAGRAPHS).encode("utf-8").replace(b"Paragraph 3", "Café 3".encode("cp1252"))
    article = run(envelope("https://example.com/mixed", body=html))
    assert "Café 3 reports" in article.text


def test_control_characters_and_lone_surrogates_are_removed():
    dirty = [p.replace("council", "coun\x00cil\x07\u200b") for p in PARAGRAPHS]
    value = orjson.dumps({"url": "https://example.com/x", "html": article_html("Dirty", dirty)})
    value = value.replace(b"harbour", b"harb\\ud800our")  # a lone surrogate, as JSON escapes allow
    article = run(value)
    assert isinstance(article, Article)
    assert "council" in article.text and "harbour" in article.text
    assert not any(ord(ch) < 32 and ch != "\n" or 0xD800 <= ord(ch) <= 0xDFFF for ch in article.text)
    orjson.dumps(article)  # serializable: orjson refuses lone surrogates


def test_xml_entity_declarations_are_not_expanded():
    html = ('<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">'
            '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
            + article_html("Entities", PARAGRAPHS + ["&xxe; &c;"]))
    outcome = run(envelope("https://example.com/xml", html=html))
    assert isinstance(outcome, Article)
    assert "root:" not in outcome.text and "aaaaaaaaaa" not in outcome.text


# --- properties: anything in, exactly one outcome out ---------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
ENVELOPE_FIELDS = st.fixed_dictionaries({}, optional={
    "url": st.one_of(st.text(), st.just("https://example.com/a"), JSON_VALUES),
    "html": st.one_of(st.text(), st.just(story(1)[1]), JSON_VALUES),
    "body": st.one_of(st.text(alphabet=string.ascii_letters + "+/="), JSON_VALUES),
    "status": JSON_VALUES, "fetched_at": JSON_VALUES, "headers": JSON_VALUES, "content_type": JSON_VALUES,
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.binary(max_size=2048), key=st.one_of(st.none(), st.binary(max_size=64)))
def test_any_bytes_give_exactly_one_outcome(value, key):
    assert handled(run(value, key=key))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=ENVELOPE_FIELDS)
def test_any_json_envelope_gives_exactly_one_outcome(fields):
    outcome = run(json.dumps(fields).encode())
    assert handled(outcome)
    orjson.dumps(outcome)  # and it can be published


def test_the_properties_can_fail_when_the_catch_all_catches(monkeypatch):
    """What the properties above rely on: an exception inside the pipeline is caught and seen as such."""
    import worker.core.pipeline as pipeline

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(pipeline, "decode_page", broken)
    with pytest.raises(AssertionError, match="catch-all caught RuntimeError"):
        handled(run(envelope(*story(1))))
