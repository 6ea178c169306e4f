"""Authors: a byline found in the page, and author lists cleaned from messy bylines, one person per entry."""

from __future__ import annotations

import re
from collections.abc import Iterator
from copy import deepcopy

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, REGEXP_NS

from worker.core import lexicon
from worker.core.lexicon import any_of
from worker.core.text import EMAIL, squash

# trafilatura's author search prunes these parts from a copy of the whole page first: comment sections,
# sidebars, dates and figures. Asked of a candidate instead, the question needs no copy.
DISCARDED_AROUND = etree.XPath(
    "boolean(" + AUTHOR_DISCARD_XPATHS[0].path.strip().replace(".//*", "ancestor-or-self::*", 1)
    + " | ancestor-or-self::time | ancestor-or-self::figure)",
    namespaces={"re": REGEXP_NS},
)
MAX_BYLINE_CHARS = 120  # trafilatura's limit for an author element's text

# trafilatura's three author XPaths (`AUTHOR_XPATHS`), in their order, as tests of one element. libxml2 runs
# their twenty attribute tests on every element of the page: 29 ms a page for all three on the dev sets, 10 here.
AUTHOR_MARKUP_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
AUTHOR_MARKUP_CLASS = re.compile("author-?name|AuthorName|authorName")
BYLINE_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})
BYLINE_CLASSES = frozenset({"byline", "username", "byl", "BBL"})
BYLINE_ID = re.compile("author|zuozhe|bianji|xiaobian")
BYLINE_CLASS = re.compile("author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name")
LOOSE_ID = re.compile("[Aa]uthor")
LOOSE_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")

BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
BY_PREFIX = re.compile(rf"^(?:(?:{any_of(lexicon.BY_PREFIX_WHAT)})\s+)?(?:{any_of(lexicon.BY_PREFIX)})\b\s*:?\s*", re.I)
SEPARATORS = re.compile(rf"\s*(?:,|;|\||/|&|\b(?:{any_of(lexicon.AND)})\b)\s*", re.I)
ROLE_WORDS = re.compile(rf"\b({any_of(lexicon.NOT_NAMES)})\b", re.I)
ORGANIZATION_WORDS = re.compile(rf"\b({any_of(lexicon.ORGANIZATION_WORDS, lexicon.NEWS_AGENCIES)})\b", re.I)
MAX_NAME_WORDS = 5  # longer "names" are sentences that slipped into a byline


def _author_markup(element: HtmlElement) -> bool:
    get = element.attrib.get
    return (
        "author" in (get("rel"), get("id"), get("class")) or get("itemprop") == "author name"
        or get("data-testid") in ("AuthorCard", "AuthorURL")
        or AUTHOR_MARKUP_CLASS.search(get("class", "")) is not None
    )


def _byline_markup(element: HtmlElement) -> bool:
    get = element.attrib.get
    return (
        get("class") in BYLINE_CLASSES or "author" in get("itemprop", "")
        or BYLINE_ID.search(get("id", "")) is not None or BYLINE_CLASS.search(get("class", "")) is not None
    )


def _loose_markup(element: HtmlElement) -> bool:
    if not (attributes := element.attrib):
        return False
    get = attributes.get
    return ("Byline" in get("data-component", "") or "author" in get("itemprop", "")
            or LOOSE_ID.search(get("id", "")) is not None or LOOSE_CLASS.search(get("class", "")) is not None)


def author_elements(tree: HtmlElement) -> Iterator[HtmlElement]:
    """What trafilatura's three author XPaths (`AUTHOR_XPATHS`) select, in their order."""
    # the first XPath's `rel='me'` asks for a child element <rel> that reads "me": looked up once, not everywhere
    signed = {rel.getparent() for rel in tree.iter("rel") if rel.text_content() == "me"}
    yield from (element for element in tree.iter(*AUTHOR_MARKUP_TAGS, "author")
                if element.tag == "author" or element in signed or _author_markup(element))
    yield from filter(_byline_markup, tree.iter(*BYLINE_TAGS))
    yield from filter(_loose_markup, tree.iter(etree.Element))


def find_byline(tree: HtmlElement) -> str | None:
    """trafilatura's `extract_author`, giving the same answer without copying and pruning the whole page,
    which costs milliseconds: only the candidates' own small subtrees are copied and pruned."""
    for element in author_elements(tree):
        if DISCARDED_AROUND(element):
            continue
        text = trim(" ".join(prune_unwanted_nodes(deepcopy(element), AUTHOR_DISCARD_XPATHS).itertext()))
        if text and 2 < len(text) < MAX_BYLINE_CHARS:
            return normalize_authors(None, text)
    return None


def clean_authors(candidates: list[str], exclude: set[str | None] = frozenset()) -> tuple[str, ...]:
    """Split, strip and filter bylines; organizations stay only when no person is named."""
    excluded = {name.casefold() for name in exclude if name}
    people: dict[str, str] = {}
    organizations: dict[str, str] = {}
    for candidate in candidates:
        for name in _names(candidate):
            key = name.casefold()
            if key in excluded or ORGANIZATION_WORDS.search(name):
                organizations.setdefault(key, name)
            else:
                people.setdefault(key, name)
    return tuple((people or organizations).values())


def _names(byline: str) -> list[str]:
    byline = BRACKETED.sub(" ", EMAIL.sub(" ", byline))
    names = []
    for part in SEPARATORS.split(byline):
        name = BY_PREFIX.sub("", squash(part)).strip(" .:-–—")
        if _plausible(name):
            names.append(name)
    return names


def _plausible(name: str) -> bool:
    words = name.split()
    return (
        0 < len(words) <= MAX_NAME_WORDS
        and not any(ch.isdigit() for ch in name)
        and "http" not in name
        and "www." not in name
        and not ROLE_WORDS.search(name)
        and any(ch.isalpha() for ch in name)
    )
