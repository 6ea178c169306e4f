"""What a page is: an article, a forum thread, documentation, a product page, or a listing of other pages.

What the page declares decides first (JSON-LD @type, og:type); then its place in its site (the URL path) and
the shape of its main text. Without evidence a page is an article: a refused article is lost to every user,
while a published listing costs a reader a skip. Service pages have no signal that tells them from articles
and are published as articles.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree
from lxml.html import HtmlElement

from worker.core import lexicon
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
# An index's main text is headlines and teasers; an article's is prose. Thresholds in words.
FEW_PROSE_PARAGRAPHS = 2
SHORT_TEXT_WORDS = 400
MANY_PROSE_PARAGRAPHS = 8
SECTION_SLUG_WORDS = 2  # "news", "mens-socks": the name of a section; an article's slug is a headline or an id
HEADLINE_SLUG_WORDS = 4
ID = re.compile(r"\d{3,}")
INDEX_EVIDENCE = 3  # points of evidence (below) that make a page a listing
SHORT_ITEM_WORDS = 12  # a headline-sized paragraph
MIN_LINK_WORDS = 3  # shorter link texts ("Home", "More") also occur inside sentences
LINKED_TEXT_SHARE = 0.5  # an article's text is its own; an index's text is other pages' headlines
# The page's layout, read by XPath: in C, yet a few ms a page, so only where the text leaves the type open.
# Cards: linked elements that repeat their next sibling's class, a grid of teasers or products. Headline
# links: headings that are, or hold, a link.
CARDS = etree.XPath("count(//*[@class = following-sibling::*[1]/@class][.//a[@href]])")  # cheap test first
HEADLINE_LINKS = etree.XPath(
    "count(//h2[.//a[@href]] | //h3[.//a[@href]] | //h4[.//a[@href]] | //a[@href]//h2 | //a[@href]//h3 | //a[@href]//h4)"
)
PRICES = etree.XPath("count(//*[contains(@class, 'price') or @itemprop = 'price'])")
ONE_ARTICLE = etree.XPath("count(//article) = 1 and boolean(//article//h1)")  # cards are often <article>s too
MANY_CARDS = 30
MANY_HEADLINE_LINKS = 12
MANY_PRICES = 30  # a product page has a few (its own, its variants', the related products')
LAYOUT_POINTS = (-1, 2)  # the least and the most the layout adds to the evidence


def detect(declared: frozenset[str], url: str, paragraphs: tuple[str, ...], link_texts: frozenset[str],
           page: HtmlElement | None = None) -> PageType:
    """The page's type, from its declared types (JSON-LD names, og:type as "og:<type>"), URL, main text and
    the layout of `page`, its tree without menus and sidebars. (A date is no evidence: htmldate finds one on
    most listings, in their links.)"""
    parts = urlsplit(url)
    segments = [segment.lower() for segment in parts.path.split("/") if segment]
    host = (parts.hostname or "").removeprefix("www.")
    if declared & FORUM_TYPES or FORUM_SEGMENTS.intersection(segments) or host.startswith(FORUM_HOSTS):
        return PageType.FORUM
    if declared & PRODUCT_TYPES and not declared & (ARTICLE_TYPES | INDEX_TYPES):
        return PageType.PRODUCT
    declares_article = bool(declared & ARTICLE_TYPES)
    evidence = _index_evidence(declared, segments, paragraphs)
    least, most = LAYOUT_POINTS
    if page is not None and INDEX_EVIDENCE - most <= evidence < INDEX_EVIDENCE - least:  # only where it decides
        evidence += _layout_evidence(page)
    if evidence >= INDEX_EVIDENCE or not declares_article and (
            _is_front_page(paragraphs, segments) or _mostly_links(paragraphs, link_texts)):
        return PageType.LISTING
    if not declares_article and (
            host.startswith(DOCUMENTATION_HOSTS) or DOCUMENTATION_SEGMENTS.intersection(segments[:DOCUMENTATION_DEPTH])):
        return PageType.DOCUMENTATION
    return PageType.ARTICLE


def _index_evidence(declared: frozenset[str], segments: list[str], paragraphs: tuple[str, ...]) -> int:
    """For a listing: a section's URL, a declared collection, little prose. Against: a declared article,
    much prose, a headline or an id in the URL (and, in `detect`, an <article> of its own)."""
    slug = re.sub(r"\.\w{2,5}$", "", segments[-1]) if segments else ""
    slug_words = len([word for word in re.split(r"[-_+.]", slug) if word])
    has_id = bool(ID.search(slug))
    words = [count_words(paragraph) for paragraph in paragraphs]
    prose = sum(count >= PROSE_WORDS for count in words)
    declares_index = bool(declared & INDEX_TYPES)
    evidence = [
        slug_words <= SECTION_SLUG_WORDS and not has_id,
        declares_index,
        prose <= FEW_PROSE_PARAGRAPHS,
        prose <= FEW_PROSE_PARAGRAPHS and sum(words) < SHORT_TEXT_WORDS,
    ]
    against = [
        bool(declared & ARTICLE_TYPES) and not declares_index,
        prose >= MANY_PROSE_PARAGRAPHS,
        slug_words >= HEADLINE_SLUG_WORDS or has_id,
    ]
    return sum(evidence) - sum(against)


def _layout_evidence(page: HtmlElement) -> int:
    grid = CARDS(page) >= MANY_CARDS or HEADLINE_LINKS(page) >= MANY_HEADLINE_LINKS
    return grid + (PRICES(page) >= MANY_PRICES) - ONE_ARTICLE(page)


def _is_front_page(paragraphs: tuple[str, ...], segments: list[str]) -> bool:
    """A site's front page made of headlines. (Short paragraphs alone prove nothing: recipes, commands.)"""
    short = sum(count_words(paragraph) <= SHORT_ITEM_WORDS for paragraph in paragraphs)
    return not segments and short > len(paragraphs) / 2


def _mostly_links(paragraphs: tuple[str, ...], link_texts: frozenset[str]) -> bool:
    text = " ".join(paragraphs)
    linked = sum(len(link) * text.count(link) for link in link_texts if count_words(link) >= MIN_LINK_WORDS and link in text)
    return linked > LINKED_TEXT_SHARE * len(text)
