"""HTML parsing that does not lose a page silently.

libxml2 stops building the tree past a nesting depth of 255 and returns what it has, often an empty
body: a real article would come out as `no_content`. When the tree holds far less text than the markup,
the page is parsed again with the excess nesting flattened.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement
from trafilatura.utils import load_html

MAX_DEPTH = 200  # below libxml2's limit of 255, with room for the <html><body> around
SUSPICIOUS_TEXT_CHARS = 200  # a parsed page with less text than this is checked against its markup
LOST_TEXT_CHARS = 1000  # markup holding this much more text than the tree means the parser gave up
TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
LAYOUT = {"div", "span", "section", "article", "main", "aside", "font", "center", "b", "i", "u", "em", "strong",
          "small", "big", "blockquote", "table", "tbody", "tr", "td", "ul", "ol", "dl", "nav", "header", "footer"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def parse_html(html: str) -> HtmlElement | None:
    tree = load_html(html)
    parsed_chars = len(tree.text_content()) if tree is not None else 0
    if parsed_chars >= SUSPICIOUS_TEXT_CHARS or len(TAG.sub("", html)) - parsed_chars < LOST_TEXT_CHARS:
        return tree
    return load_html(flatten(html))


def flatten(html: str, max_depth: int = MAX_DEPTH) -> str:
    """Drop the layout tags (div, span, …) that would nest deeper than `max_depth`, keeping all text and
    the paragraphs, headings and links inside them."""
    out, last = [], 0
    stack: list[tuple[str, bool]] = []  # open elements: (name, kept)
    depth = 0  # kept open elements
    for match in TAG.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in VOID or self_closing:
            continue
        if closing:
            kept = _close(stack, name)
            depth -= kept
        else:
            kept = depth < max_depth or name not in LAYOUT
            stack.append((name, kept))
            depth += kept
        if not kept:
            out.append(html[last:match.start()])
            last = match.end()
    out.append(html[last:])
    return "".join(out)


def _close(stack: list[tuple[str, bool]], name: str) -> bool:
    """Pop the innermost open `name` (and anything left open inside it); was it kept?"""
    for i in range(len(stack) - 1, -1, -1):
        if stack[i][0] == name:
            kept = stack[i][1]
            del stack[i:]
            return kept
    return True  # a stray close tag: the parser ignores it anyway
