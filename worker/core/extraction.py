"""Main-text extraction: parse once, read metadata and captions, then let trafilatura find the body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from worker.core.chunks import add_continuations
from worker.core.metadata import Metadata, extract_metadata
from worker.core.model import DeadLetter, Page, Reason
from worker.core.parsing import parse_html
from worker.core.text import squash

STAGE = "extract"
CAPTIONS = etree.XPath(
    "//figcaption | //*[contains(@class, 'caption') or contains(@class, 'credit')"
    " or contains(@itemprop, 'caption')][not(self::html or self::body or self::article or self::main)]"
)
# Never the article, and deleted unread by trafilatura after it copies the page three times and scans it a
# dozen: taken out first, trafilatura runs about 20% faster. On the dataset, the text is the same on every page
# but a municipal menu that trafilatura's baseline dumps either way. Sidebars and menus go before the metadata
# is read (their bylines and dates are widget junk: "Recent comments"); footers after, as an article's own
# footer often holds its byline and date.
NEVER_ARTICLE = ("aside", "nav", "style", "svg")
NEVER_TEXT = ("footer",)
MAX_CAPTION_CHARS = 600  # an element this long that calls itself a caption is a layout container
CONTAINER_TAGS = {"list", "table", "div", "body"}
# Built once, as building it reads trafilatura's config. "xml" keeps the body tree without rendering it as
# text, which we do ourselves. No URL: trafilatura uses it only to resolve links, and links are not output.
TRAFILATURA = Extractor(output_format="xml", fast=True, comments=False, tables=True)


@dataclass(frozen=True, slots=True)
class Extraction:
    paragraphs: tuple[str, ...]
    captions: frozenset[str]  # caption and credit texts found in the page, whitespace-normalized
    metadata: Metadata
    link_texts: frozenset[str]  # texts of the page's links, to tell a list of links from an article


def extract(page: Page, now: datetime, max_elements: int) -> Extraction | DeadLetter:
    tree = parse_html(page.html)
    if tree is None:
        return DeadLetter(Reason.NO_CONTENT, STAGE, "page does not parse as HTML")
    # Every element has a "<": counting those is a fast scan of the text, counting elements a walk of the tree.
    if page.html.count("<") > max_elements and (elements := int(tree.xpath("count(//*)"))) > max_elements:
        return DeadLetter(Reason.TOO_LARGE, STAGE, f"page has {elements} HTML elements, over the limit of {max_elements}")
    link_texts = _link_texts(tree, page.url)  # of the whole page: they are there to recognize menus and teasers
    etree.strip_elements(tree, *NEVER_ARTICLE, with_tail=False)
    metadata = extract_metadata(tree, page.url, now)
    etree.strip_elements(tree, *NEVER_TEXT, with_tail=False)
    captions = _captions(tree)
    _drop_head(tree)
    document = trafilatura.bare_extraction(tree, options=TRAFILATURA)
    if document is None or document.body is None:
        return DeadLetter(Reason.NO_CONTENT, STAGE, "no main text found")
    return Extraction(
        paragraphs=tuple(add_continuations(tree, list(_paragraphs(document.body, link_texts)))),
        captions=captions,
        metadata=metadata,
        link_texts=link_texts,
    )


def _drop_head(tree: HtmlElement) -> None:
    """trafilatura discards the head unread, after copying it three times, but for its JSON-LD, which tells
    it forums: that moves to the body."""
    head, body = tree.find("head"), tree.find("body")
    if head is not None and body is not None:
        body.extend(head.findall("script[@type='application/ld+json']"))
        tree.remove(head)


def _captions(tree: HtmlElement) -> frozenset[str]:
    texts = (squash(element.text_content()) for element in CAPTIONS(tree))
    return frozenset(text for text in texts if 0 < len(text) <= MAX_CAPTION_CHARS)


def _link_texts(tree: HtmlElement, url: str) -> frozenset[str]:
    """Texts of links to the page's own site: teasers and menus. Links elsewhere (sources, products) are content."""
    host = urlsplit(url).hostname
    texts = (
        squash(link.text_content())
        for link in tree.iterfind(".//a[@href]")
        if _is_internal(link.get("href", ""), host)
    )
    return frozenset(text for text in texts if text)


def _is_internal(href: str, host: str | None) -> bool:
    if not href.startswith(("http://", "https://", "//")):
        return True  # relative: same site (javascript: and mailto: links are rare in bodies and harmless here)
    try:
        return urlsplit(href).hostname == host
    except ValueError:  # malformed, e.g. an unclosed IPv6 bracket
        return False


def _paragraphs(body, link_texts: frozenset[str]):
    """One string per block; line breaks inside a block become spaces."""
    for element in body.iter("lb"):
        element.tail = " " + (element.tail or "")
    for element in body:
        yield from _blocks(element, link_texts)


def _blocks(element, link_texts: frozenset[str]):
    if element.tag in CONTAINER_TAGS:
        for child in element:
            yield from _blocks(child, link_texts)
    elif element.tag == "row":
        yield " ".join(" ".join(cell.itertext()) for cell in element)
    else:
        # trafilatura's baseline fallback puts a whole page in one block, a line per element: menus go
        lines = "".join(element.itertext()).split("\n")
        yield " ".join(line for line in lines if len(lines) == 1 or line.strip() not in link_texts)
        if element.tail and element.tail.strip():
            yield element.tail
