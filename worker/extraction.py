"""Main-text extraction: parse once, read metadata and captions, then let trafilatura find the body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import trafilatura
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from worker.metadata import Metadata, extract_metadata
from worker.model import DeadLetter, Page, Reason

STAGE = "extract"
CAPTION_XPATH = (
    ".//figcaption | .//*[contains(@class, 'caption') or contains(@class, 'credit')"
    " or contains(@itemprop, 'caption')][not(self::html or self::body or self::article or self::main)]"
)
MIN_LINK_WORDS = 3  # shorter link texts ("Home", "More") say nothing about whether a page is a listing
MAX_CAPTION_CHARS = 600  # an element this long that calls itself a caption is a layout container
CONTAINER_TAGS = {"list", "table", "div", "body"}


@dataclass(frozen=True, slots=True)
class Extraction:
    paragraphs: tuple[str, ...]
    captions: frozenset[str]  # caption and credit texts found in the page, whitespace-normalized
    metadata: Metadata
    link_texts: frozenset[str]  # texts of the page's links, to tell a list of links from an article


def extract(page: Page, now: datetime) -> Extraction | DeadLetter:
    tree = load_html(page.html)
    if tree is None:
        return DeadLetter(Reason.NO_CONTENT, STAGE, "page does not parse as HTML")
    metadata = extract_metadata(tree, page.url, now)
    captions = _captions(tree)
    document = trafilatura.bare_extraction(
        tree, url=page.url, fast=True, include_comments=False, include_tables=True, with_metadata=False
    )
    if document is None or document.body is None:
        return DeadLetter(Reason.NO_CONTENT, STAGE, "no main text found")
    return Extraction(
        paragraphs=tuple(_paragraphs(document.body)),
        captions=captions,
        metadata=metadata,
        link_texts=_link_texts(tree),
    )


def _captions(tree: HtmlElement) -> frozenset[str]:
    texts = (" ".join(element.text_content().split()) for element in tree.xpath(CAPTION_XPATH))
    return frozenset(text for text in texts if 0 < len(text) <= MAX_CAPTION_CHARS)


def _link_texts(tree: HtmlElement) -> frozenset[str]:
    texts = (" ".join(link.text_content().split()) for link in tree.iterfind(".//a"))
    return frozenset(text for text in texts if len(text.split()) >= MIN_LINK_WORDS)


def _paragraphs(body):
    """One string per block; line breaks inside a block become spaces."""
    for element in body.iter("lb"):
        element.tail = " " + (element.tail or "")
    for element in body:
        yield from _blocks(element)


def _blocks(element):
    if element.tag in CONTAINER_TAGS:
        for child in element:
            yield from _blocks(child)
    elif element.tag == "row":
        yield " ".join(" ".join(cell.itertext()) for cell in element)
    else:
        yield "".join(element.itertext())
        if element.tail and element.tail.strip():
            yield element.tail
