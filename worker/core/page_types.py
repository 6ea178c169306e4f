"""What a page is: an article, a forum thread, documentation, a product page, or a listing of other pages.

What the page declares decides first (JSON-LD @type, og:type), then forum software's URLs. Whether the page is
an index of other pages is a linear model's judgement of its URL, declarations, main text and layout
(`listing_evidence`), fitted on pages of both kinds with a refused article weighing three listings: a refused
article is lost to every user, while a published listing costs a reader a skip. Without that evidence a page
is an article, or documentation at a documentation URL. Service pages have no signal that tells them from
articles and are published as articles."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from lxml import etree
from lxml.html import HtmlElement

from worker.core import lexicon, listing_model
from worker.core.model import PageType
from worker.core.text import PROSE_WORDS, count_words

FORUM_TYPES = frozenset({"DiscussionForumPosting", "QAPage"})
PRODUCT_TYPES = frozenset({"Product", "og:product"})
INDEX_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "OfferCatalog", "og:product.group"})
ARTICLE_TYPES = (lexicon.ARTICLE_TYPES - {"SocialMediaPosting"}) | {"og:article"}
# Path segments and host prefixes that software for forums and for documentation puts in its URLs.
FORUM_SEGMENTS = frozenset({"forum", "forums", "thread", "threads", "t", "questions", "viewtopic.php", "showthread.php"})
FORUM_HOSTS = ("forum.", "forums.", "community.", "discuss.")
DOCUMENTATION_SEGMENTS = frozenset({"docs", "doc", "documentation", "reference", "api", "manual", "handbook", "wiki"})
DOCUMENTATION_HOSTS = ("docs.", "developer.")
DOCUMENTATION_DEPTH = 2  # where in the path a documentation segment counts: /docs/..., /en/docs/...
# A listing is judged by a linear model of the evidence below (worker/core/listing_model.py), fitted by
# bench/listing_model.py on the wcxb-dev tune half. Counts enter as log(1 + n), shares as they are.
SHORT_ITEM_WORDS = 12  # a headline-sized paragraph
MIN_LINK_WORDS = 3  # shorter link texts ("Home", "More") also occur inside sentences
ID = re.compile(r"\d{3,}")
# The page's layout, on its tree without menus and sidebars: links, linked list items, paragraphs, prices.
# Walked by attribute (`//@href/..`), which libxml2 does at half the cost of testing every element.
ANCHORS = etree.XPath("count(//a/@href)")
LINKED_ITEMS = etree.XPath("count(//li/a/@href/../..)")
PARAGRAPHS = etree.XPath("count(//p)")
PRICES = etree.XPath("count(//@class[contains(., 'price')]/.. | //@itemprop[. = 'price']/..)")
LINK_TEXT = etree.XPath("//a[@href]//text()", smart_strings=False)
PAGE_TEXT = etree.XPath("string-length(.)")
LANDMARK_MARGIN = 2.0  # how far below the threshold a page's landmark is still read (listings.py)
COUNTS = frozenset({"slug_words", "depth", "prose", "words", "paragraphs", "prices", "anchors", "linked_items",
                    "page_paragraphs"})


@dataclass(frozen=True, slots=True)
class Judgement:
    page_type: PageType
    listing_score: float = -math.inf  # the listing model's; not computed where a declaration or the URL decides

    @property
    def reads_landmark(self) -> bool:
        """Whether the page's main landmark may hold its text: a listing, or a page near to being judged one."""
        return self.listing_score >= listing_model.THRESHOLD - LANDMARK_MARGIN


def detect(declared: frozenset[str], url: str, paragraphs: tuple[str, ...], link_texts: frozenset[str],
           page: HtmlElement | None = None) -> Judgement:
    """The page's type, from its declared types (JSON-LD names, og:type as "og:<type>"), URL, main text and
    the layout of `page`, its tree without menus and sidebars. (A date is no evidence: htmldate finds one on
    most listings, in their links.)"""
    parts = urlsplit(url)
    segments = [segment.lower() for segment in parts.path.split("/") if segment]
    host = (parts.hostname or "").removeprefix("www.")
    if declared & FORUM_TYPES or FORUM_SEGMENTS.intersection(segments) or host.startswith(FORUM_HOSTS):
        return Judgement(PageType.FORUM)
    if declared & PRODUCT_TYPES and not declared & (ARTICLE_TYPES | INDEX_TYPES):
        return Judgement(PageType.PRODUCT)
    score = listing_score(listing_evidence(declared, parts, paragraphs, link_texts, page))
    if score >= listing_model.THRESHOLD:
        return Judgement(PageType.LISTING, score)
    if not declared & ARTICLE_TYPES and (
            host.startswith(DOCUMENTATION_HOSTS) or DOCUMENTATION_SEGMENTS.intersection(segments[:DOCUMENTATION_DEPTH])):
        return Judgement(PageType.DOCUMENTATION, score)
    return Judgement(PageType.ARTICLE, score)


def listing_evidence(declared: frozenset[str], parts: SplitResult, paragraphs: tuple[str, ...],
                     link_texts: frozenset[str], page: HtmlElement | None) -> dict[str, float]:
    """What tells an index of other pages from an article: a section's URL (a short slug, no id in it or in
    the query), a declared collection, little prose, text made of other pages' headlines, a page of links and
    prices. Layout counts are 0 without a tree."""
    segments = [segment for segment in parts.path.split("/") if segment]
    slug = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    words = [count_words(paragraph) for paragraph in paragraphs]
    text = " ".join(paragraphs)
    linked = sum(len(link) * text.count(link) for link in link_texts if link in text and count_words(link) >= MIN_LINK_WORDS)
    evidence = {
        "slug_words": len([word for word in re.split(r"[-_+.]", slug) if word]),
        "has_id": bool(ID.search(slug) or ID.search(parts.query)),  # /story/48213, view.php?id=48213
        "depth": len(segments),
        "root": not segments,
        "declares_index": bool(declared & INDEX_TYPES),
        "declares_article": bool(declared & ARTICLE_TYPES),
        "declares_product": bool(declared & PRODUCT_TYPES),
        "prose": sum(count >= PROSE_WORDS for count in words),
        "words": sum(words),
        "paragraphs": len(words),
        "short_share": sum(count <= SHORT_ITEM_WORDS for count in words) / len(words) if words else 0.0,
        "linked_share": min(1.0, linked / len(text)) if text else 0.0,
    }
    if page is not None:
        page_chars = PAGE_TEXT(page)
        evidence |= {
            "prices": PRICES(page), "anchors": ANCHORS(page), "linked_items": LINKED_ITEMS(page),
            "page_paragraphs": PARAGRAPHS(page),
            "link_density": min(1.0, sum(map(len, LINK_TEXT(page))) / page_chars) if page_chars else 0.0,
        }
    return {name: float(value) for name, value in evidence.items()}


def listing_score(evidence: dict[str, float]) -> float:
    """The listing model's weighted evidence: a listing from listing_model.THRESHOLD up."""
    return listing_model.BIAS + sum(weight * value for weight, value in zip(
        listing_model.WEIGHTS.values(), transformed(evidence, listing_model.WEIGHTS), strict=True))


def transformed(evidence: dict[str, float], names) -> list[float]:
    """The model's inputs, in the order of `names`: counts as log(1 + n), the rest as they are; absent is 0."""
    return [math.log1p(evidence.get(name, 0.0)) if name in COUNTS else evidence.get(name, 0.0) for name in names]
