"""Authors: a byline found in the page, and author lists cleaned from messy bylines, one person per entry."""

from __future__ import annotations

import re
from copy import deepcopy

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.htmlprocessing import prune_unwanted_nodes
from trafilatura.json_metadata import normalize_authors
from trafilatura.utils import trim
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS, REGEXP_NS

# trafilatura's author search prunes these parts from a copy of the whole page first: comment sections,
# sidebars, dates and figures. Asked of a candidate instead, the question needs no copy.
DISCARDED_AROUND = etree.XPath(
    "boolean(" + AUTHOR_DISCARD_XPATHS[0].path.strip().replace(".//*", "ancestor-or-self::*", 1)
    + " | ancestor-or-self::time | ancestor-or-self::figure)",
    namespaces={"re": REGEXP_NS},
)
MAX_BYLINE_CHARS = 120  # trafilatura's limit for an author element's text

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
BRACKETED = re.compile(r"\([^)]*\)|\[[^\]]*\]")
BY_PREFIX = re.compile(
    r"^(?:(?:written|reported|reporting|words|text|story|photos?)\s+)?"
    r"(?:by|von|por|par|door|av|af|przez|от|автор|author|autor|autorin|auteur)\b\s*:?\s*",
    re.I,
)
SEPARATORS = re.compile(r"\s*(?:,|;|\||/|&|\band\b|\bund\b|\by\b|\be\b|\bet\b|\ben\b|\bog\b|\boch\b)\s*", re.I)
ROLE_WORDS = re.compile(
    r"\b(correspondent|editor|reporter|writer|staff|contributor|columnist|photographer|"
    r"redakteur\w*|redaktion|journalist\w*|updated|published|min read)\b",
    re.I,
)
ORGANIZATION_WORDS = re.compile(
    r"\b(news|press|agency|agencies|reuters|afp|dpa|associated|times|post|herald|daily|media|"
    r"group|inc|ltd|team|desk|online|wire|service|network|bureau|newsroom)\b",
    re.I,
)
MAX_NAME_WORDS = 5  # longer "names" are sentences that slipped into a byline


def find_byline(tree: HtmlElement) -> str | None:
    """trafilatura's `extract_author`, giving the same answer without copying and pruning the whole page,
    which costs milliseconds: only the candidates' own small subtrees are copied and pruned."""
    for expression in AUTHOR_XPATHS:
        for element in expression(tree):
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
        name = BY_PREFIX.sub("", " ".join(part.split())).strip(" .:-–—")
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
