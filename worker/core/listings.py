"""The text of a listing: every item of the page's main landmark, where trafilatura keeps one of them.

trafilatura looks for one article, and on an index of other pages (a section front, search results, a product
grid) it keeps one card or one block of them. A page judged a listing, or near to it (`Judgement.reads_landmark`),
gets the blocks of its `<main>` (or its one `role="main"` element) instead, when its type is published and what
trafilatura kept is under half of them. docs/quality.md has the measurements.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from worker.core.text import count_words, squash

LANDMARKS = etree.XPath("//main | //*[@role = 'main']")
# Elements whose whole text is one paragraph; other elements are containers, read child by child.
LEAF_BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "dt", "dd", "td", "th", "blockquote", "pre"})
# Controls and what no reader sees as text: filter forms, sort menus, buttons.
UNREAD = frozenset({"button", "select", "form", "input", "label", "noscript", "template", "img"})
MIN_COVERED_SHARE = 0.5  # of the landmark's words: trafilatura's text is the listing's when it has this much


def listing_paragraphs(page: HtmlElement | None, extracted: tuple[str, ...]) -> tuple[str, ...] | None:
    """The landmark's blocks when `extracted` covers less than half of them; None when the page has no single
    landmark, or the extraction already covers it."""
    landmarks = LANDMARKS(page) if page is not None else []
    if len(landmarks) != 1:
        return None
    blocks = tuple(_blocks(landmarks[0]))
    landmark_words = sum(map(count_words, blocks))
    if sum(map(count_words, extracted)) >= MIN_COVERED_SHARE * landmark_words:
        return None
    return blocks


def _blocks(element: HtmlElement):
    if element.tag in LEAF_BLOCKS:
        if text := squash(element.text_content()):
            yield text
        return
    if element.text and element.text.strip():
        yield squash(element.text)
    for child in element:
        if isinstance(child.tag, str) and child.tag not in UNREAD:
            yield from _blocks(child)
        if child.tail and child.tail.strip():
            yield squash(child.tail)
