"""Main-text extraction: parse once, read metadata and captions, then let trafilatura find the body."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from worker.core.chunks import add_continuations
from worker.core.justext_paragraphs import faster_justext
from worker.core.metadata import Metadata, extract_metadata
from worker.core.model import DeadLetter, Page, Reason
from worker.core.page_measure import is_measured, measuring_with
from worker.core.parsing import parse_html
from worker.core.prose_guard import sparing_prose
from worker.core.readability_gate import readability_when_it_can_win
from worker.core.selections import in_python
from worker.core.text import squash
from worker.core.wild_text import recovering_headings_and_lists

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
NEVER_ARTICLE = ("aside", "nav")
NEVER_TEXT = ("footer",)
# An <aside> of a few words inside the <article> or <main> is the article's own date and byline line ("post
# meta"), not a sidebar: it is read for the metadata, then goes with the footers.
MAX_META_ASIDE_WORDS = 40
IN_CONTENT = etree.XPath("boolean(ancestor::article | ancestor::main)")
NEVER_READ = ("style", "svg")
# A sidebar, menu or footer that holds the headline, the main element or most of the page's text is a
# wrapper (misused, or left open so that the parser nested the page inside it): it stays.
HOLDS_ARTICLE = etree.XPath("boolean(.//h1 | .//main)")
MAX_CHROME_SHARE = 0.5
MAX_CAPTION_CHARS = 600  # an element this long that calls itself a caption is a layout container
CONTAINER_TAGS = {"list", "table", "div", "body"}
# Built once, as building it reads trafilatura's config. "xml" keeps the body tree without rendering it as
# text, which we do ourselves. No URL: trafilatura uses it only to resolve links, and links are not output.
# The full path, not fast=True: when its XPath candidates fail, the fast path publishes the whole page as one
# block, where the full path compares readability's and jusText's candidates. On wcxb-dev the fast path loses
# 0.033 F1 (0.022 on articles) for 20% less trafilatura time; escalating only short results saves no time, as
# the pages escalated pay for both runs.
TRAFILATURA = Extractor(output_format="xml", fast=False, comments=False, tables=True)
AUTHORITY = re.compile(r"(?:https?:)?//([^/?#]*)", re.I)  # of an absolute or scheme-relative link
PARAGRAPH_BREAK = "\u2029"  # Unicode's paragraph separator stands for a <lb/> while a block is split at runs of two
PARAGRAPH_BREAKS = re.compile(f"{PARAGRAPH_BREAK}\\s*(?:{PARAGRAPH_BREAK}\\s*)+")


@dataclass(frozen=True, slots=True)
class Extraction:
    paragraphs: tuple[str, ...]
    captions: frozenset[str]  # caption and credit texts found in the page, whitespace-normalized
    metadata: Metadata
    link_texts: frozenset[str]  # texts of the page's links, to tell a list of links from an article
    page: HtmlElement | None = None  # the tree trafilatura read (no menus, sidebars, footers or head): its layout


def extract(page: Page, now: datetime, max_elements: int) -> Extraction | DeadLetter:
    tree = parse_html(page.html)
    if tree is None:
        return DeadLetter(Reason.NO_CONTENT, STAGE, "page does not parse as HTML")
    # Every element has a "<": counting those is a fast scan of the text, counting elements a walk of the tree.
    if page.html.count("<") > max_elements and (elements := int(tree.xpath("count(//*)"))) > max_elements:
        return DeadLetter(Reason.TOO_LARGE, STAGE, f"page has {elements} HTML elements, over the limit of {max_elements}")
    link_texts = _link_texts(tree, page.url)  # of the whole page: they are there to recognize menus and teasers
    etree.strip_elements(tree, *NEVER_READ, with_tail=False)
    page_chars = len(tree.text_content())
    meta_lines, menus = _drop_chrome(tree, NEVER_ARTICLE, page_chars, keep=_is_meta_line)
    metadata = extract_metadata(tree, page.url, now)
    for element in meta_lines:
        element.drop_tree()
    _drop_chrome(tree, NEVER_TEXT, page_chars)
    captions = _captions(tree)
    _drop_head(tree)
    _drop_scripts(tree)
    with sparing_prose(), readability_when_it_can_win(), in_python(), faster_justext(), measuring_with(menus), \
            recovering_headings_and_lists():
        document = trafilatura.bare_extraction(tree, options=TRAFILATURA)
    if document is None or document.body is None:
        return DeadLetter(Reason.NO_CONTENT, STAGE, "no main text found")
    return Extraction(
        paragraphs=tuple(add_continuations(tree, list(_paragraphs(document.body, link_texts)))),
        captions=captions,
        metadata=metadata,
        link_texts=link_texts,
        page=tree,
    )


def _drop_chrome(tree: HtmlElement, tags: tuple[str, ...], page_chars: int,
                 keep: Callable[[HtmlElement, str], bool] = lambda element, text: False
                 ) -> tuple[list[HtmlElement], list[str]]:
    """Drops the elements of `tags` that are not wrappers, but those that `keep` (given the element and its
    text) spares: they are returned, with the texts of the dropped ones that trafilatura's page measure reads."""
    kept, measured = [], []
    for element in list(tree.iter(*tags)):
        text = element.text_content()
        if HOLDS_ARTICLE(element) or len(text) > MAX_CHROME_SHARE * page_chars:
            continue
        if keep(element, text):
            kept.append(element)
            continue
        if is_measured(element):  # asked while it still has its ancestors
            measured.append(text)
        element.drop_tree()  # its tail is the next element's text, not its own
    return kept, measured


def _is_meta_line(element: HtmlElement, text: str) -> bool:
    return element.tag == "aside" and len(text.split()) <= MAX_META_ASIDE_WORDS and IN_CONTENT(element)


def _drop_head(tree: HtmlElement) -> None:
    """trafilatura discards the head unread, after copying it three times, but for its JSON-LD, which tells
    it forums: that moves to the body."""
    head, body = tree.find("head"), tree.find("body")
    if head is not None and body is not None:
        body.extend(head.findall("script[@type='application/ld+json']"))
        tree.remove(head)


def _drop_scripts(tree: HtmlElement) -> None:
    """Every part of trafilatura deletes scripts, each from its own copies of the page (three to five): taken out
    once here, they are not copied. JSON-LD stays: trafilatura reads forums and article bodies from it."""
    for script in list(tree.iter("script")):
        if script.get("type") != "application/ld+json":
            script.drop_tree()


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
    match = AUTHORITY.match(href)
    return match is None or _hostname(match.group(1)) == host  # no authority: relative, the same site


@lru_cache(maxsize=1024)
def _hostname(authority: str) -> str | None:
    """A page links to a few hosts many times: each is parsed once."""
    try:
        return urlsplit("//" + authority).hostname
    except ValueError:  # malformed, e.g. an unclosed IPv6 bracket
        return None


def _paragraphs(body, link_texts: frozenset[str]):
    """One string per paragraph. Two or more line breaks in a row end a paragraph (the `<br><br>` layout of
    bare text in a <div>); a single one is a line break inside it, and becomes a space."""
    for element in body.iter("lb"):
        element.tail = PARAGRAPH_BREAK + (element.tail or "")
    for element in body:
        yield from _blocks(element, link_texts)


def _blocks(element, link_texts: frozenset[str]):
    if element.tag in CONTAINER_TAGS:
        if element.text and element.text.strip():  # bare text in a container is a paragraph of its own
            yield from _split(element.text, link_texts)
        for child in element:
            yield from _blocks(child, link_texts)
    elif element.tag == "row":
        yield " ".join(" ".join(cell.itertext()) for cell in element).replace(PARAGRAPH_BREAK, " ")
    else:
        yield from _split("".join(element.itertext()), link_texts)
    if element.tail and element.tail.strip():
        yield from _split(element.tail, link_texts)


def _split(text: str, link_texts: frozenset[str]):
    for paragraph in PARAGRAPH_BREAKS.split(text):
        # a whole page in one block (trafilatura's last resort) has a line per element: menus go
        lines = paragraph.replace(PARAGRAPH_BREAK, " ").split("\n")
        yield " ".join(line for line in lines if len(lines) == 1 or line.strip() not in link_texts)
