"""Pages and envelopes written for the tests."""

from __future__ import annotations

import base64
import html as html_lib
import random
from pathlib import Path

import orjson

PAGES = Path(__file__).parent / "pages"
WORDS = (
    "council budget river harbour school winter market police station bridge farmers museum election "
    "hospital rail energy weather library festival court mayor village coast workers union university"
).split()


def sentence(rng: random.Random, words: int = 14) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def article_html(title: str, paragraphs: list[str], author: str = "Jane Doe", published: str = "2024-03-05T10:00:00+01:00",
                 extra_body: str = "") -> str:
    body = "".join(f"<p>{html_lib.escape(p)}</p>" for p in paragraphs)
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{html_lib.escape(title)} | The Daily Example</title>"
        "<meta property='og:site_name' content='The Daily Example'><meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='{published}'>"
        f"<meta name='author' content='{html_lib.escape(author)}'></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>{html_lib.escape(title)}</h1>{body}{extra_body}</article>"
        "<footer>© The Daily Example</footer></body></html>"
    )


def story(seed: int, paragraphs: int = 6) -> tuple[str, str]:
    """A distinct, plausible article: (url, html)."""
    rng = random.Random(seed)
    title = f"Story {seed}: " + " ".join(rng.choice(WORDS) for _ in range(5))
    text = [" ".join(sentence(rng) for _ in range(3)) for _ in range(paragraphs)]
    return f"https://news.example.com/{seed}/story", article_html(title, text)


def envelope(url: str, html: str | None = None, body: bytes | None = None, **fields) -> bytes:
    record = {"url": url, **fields}
    if html is not None:
        record["html"] = html
    if body is not None:
        record["body"] = base64.b64encode(body).decode()
    return orjson.dumps(record)


def poison_records() -> list[tuple[bytes | None, bytes, list[tuple[str, bytes]]]]:
    """(key, value, headers) of records that must become dead letters, one per reason."""
    return [
        (b"k-json", b"{not json", [("source", b"crawler-7")]),
        (None, envelope("ftp://example.com/x", html="<p>hi</p>"), []),
        (b"k-pdf", envelope("https://example.com/a.pdf", body=b"%PDF-1.7 binary", content_type="application/pdf"), []),
        (None, envelope("https://example.com/missing", html=article_html("Page not found", ["Sorry."]), status=404), []),
        (b"https://example.com/raw", b"\x00\x01\x02\xff binary junk", [("url", b"https://example.com/raw")]),
    ]
