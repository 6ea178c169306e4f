"""trafilatura's two general discard XPaths (`OVERALL_DISCARD_XPATH`) as Python tests of one element.

Their `re:test` calls cost a call from libxml2 back into Python's `re` for every element and every test: about
9 ms a page on the dev sets for the two. Here each element is read once, and the same elements come out in the
same order (every call compared on all dev pages; tests/test_discard.py compares them on a written page). The
patterns are read out of trafilatura's own expressions, whose shape is checked on import.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.xpaths import OVERALL_DISCARD_XPATH

_BY_NAME_SHAPE = re.compile(
    r"\s*\.//\*\[self::div or self::item or self::list or self::p or self::section or self::span\]\[\s*"
    r"@data-lp-replacement-content or\s*"
    r"contains\(translate\(@role, 'N', 'n'\), 'nav'\) or\s*"
    r"contains\(@data-component, 'MostPopularStories'\) or\s*"
    r"re:test\(@id\|@class, '(?P<id_or_class>[^']+)'\) or\s*"
    r"re:test\(@id, '(?P<id>[^']+)'\) or\s*"
    r"re:test\(@class, '(?P<class_>[^']+)'\)\]\s*"
)
_HIDDEN_SHAPE = re.compile(
    r"\s*\.//\*\[@class='comments-title' or\s*"
    r"starts-with\(@id\|@class, 'reply-'\) or\s*"
    r"re:test\(@id\|@style, '(?P<id_or_style>[^']+)'\) or\s*"
    r"contains\(@style, 'display:none'\) or contains\(@style, 'display: none'\) or\s*"
    r"re:test\(@id, '(?P<id>[^']+)'\) or\s*"
    r"re:test\(@class, '(?P<class_>[^']+)'\) or @aria-hidden='true'\]\s*"
)


def _patterns(shape: re.Pattern, xpath: etree.XPath) -> dict[str, re.Pattern]:
    if (match := shape.fullmatch(xpath.path)) is None:  # trafilatura changed the expression: port it again
        raise ImportError(f"trafilatura's discard XPath is not the one ported here: {xpath.path.strip()[:80]}…")
    return {name: re.compile(pattern) for name, pattern in match.groupdict().items()}


_BY_NAME = _patterns(_BY_NAME_SHAPE, OVERALL_DISCARD_XPATH[0])
_HIDDEN = _patterns(_HIDDEN_SHAPE, OVERALL_DISCARD_XPATH[1])
BY_NAME_TAGS = ("div", "item", "list", "p", "section", "span")


def _first(element: HtmlElement, first: str | None, second_name: str, second: str | None) -> str:
    """XPath's string of `@id|@second_name`: the value of whichever comes first on the element, or ''."""
    if first is None or second is None:
        return first or second or ""
    names = element.keys()
    return first if names.index("id") < names.index(second_name) else second


def _named_as_boilerplate(element: HtmlElement) -> bool:
    get = element.get
    id_, class_ = get("id"), get("class")
    return (
        get("data-lp-replacement-content") is not None
        or "nav" in get("role", "").replace("N", "n")
        or "MostPopularStories" in get("data-component", "")
        or _BY_NAME["id_or_class"].search(_first(element, id_, "class", class_)) is not None
        or (id_ is not None and _BY_NAME["id"].search(id_) is not None)
        or (class_ is not None and _BY_NAME["class_"].search(class_) is not None)
    )


def _hidden(element: HtmlElement) -> bool:
    get = element.get
    if get("aria-hidden") == "true":
        return True
    id_, class_, style = get("id"), get("class"), get("style")
    if id_ is None and class_ is None and style is None:
        return False
    return (  # `@class='comments-title'` is left out: the class pattern has it
        _first(element, id_, "class", class_).startswith("reply-")
        or _HIDDEN["id_or_style"].search(_first(element, id_, "style", style)) is not None
        or (style is not None and ("display:none" in style or "display: none" in style))
        or (id_ is not None and _HIDDEN["id"].search(id_) is not None)
        or (class_ is not None and _HIDDEN["class_"].search(class_) is not None)
    )


def named_as_boilerplate(tree: HtmlElement) -> list[HtmlElement]:
    """What `OVERALL_DISCARD_XPATH[0]` selects: containers whose class, id or role names boilerplate."""
    return [element for element in tree.iterdescendants(*BY_NAME_TAGS) if _named_as_boilerplate(element)]


def hidden(tree: HtmlElement) -> list[HtmlElement]:
    """What `OVERALL_DISCARD_XPATH[1]` selects: hidden elements and comment-section chrome."""
    return [element for element in tree.iterdescendants(etree.Element) if _hidden(element)]
