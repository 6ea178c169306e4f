"""HTML parsing that is cheap and does not lose a page silently.

The parser has the settings of trafilatura's loader, with one change: lxml.html picks each element's
Python class through a Python callback, once per element touched, which costs about 5% of the whole
pipeline. A lookup done in C gives every element the plain HtmlElement class, all that trafilatura and
we use. The decoder has already removed the characters libxml2 rejects, which the loader would scan for
again. A fragment is parsed as a document, as browsers do.

libxml2 stops building the tree past a nesting depth of 255 and returns what it has, often an empty
body: a real article would come out as `no_content`. When the parser reports that limit, the page is
parsed again with the excess nesting flattened.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlComment, HtmlElement, HtmlEntity, HtmlProcessingInstruction, document_fromstring

MAX_DEPTH = 200  # below libxml2's limit of 255, with room for the <html><body> around
TAG = re.compile(r"<(/?)([a-zA-Z][\w:-]*)[^>]*?(/?)>")
LAYOUT = {"div", "span", "section", "article", "main", "aside", "font", "center", "b", "i", "u", "em", "strong",
          "small", "big", "blockquote", "table", "tbody", "tr", "td", "ul", "ol", "dl", "nav", "header", "footer"}
PARSER = etree.HTMLParser(collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True,
                          remove_pis=True)
PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(
    element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity))
SELF_CLOSED_HTML = re.compile(r"(<html\b[^>]*?)\s*/>", re.I)
DOCUMENT_END = re.compile(r"</(?:body|html)\s*>", re.I)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def parse_html(html: str) -> HtmlElement | None:
    html = _body_to_the_end(_open_html_tag(html))
    tree = _parse(html)
    if any(error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT for error in PARSER.error_log):  # nested too deep
        return _parse(flatten(html))
    return tree


def _parse(html: str | bytes) -> HtmlElement | None:
    try:
        return document_fromstring(html, parser=PARSER)
    except etree.ParserError:  # nothing but whitespace
        return None
    except ValueError:  # lxml refuses a str that declares its encoding: the bytes, read as UTF-8, are fine
        return _parse(html.encode("utf-8", "surrogatepass"))


def _open_html_tag(html: str) -> str:
    """`<html lang="en"/>` near the top makes libxml2 end the document there."""
    if match := SELF_CLOSED_HTML.search(html, 0, 4096):
        return html[:match.start()] + match.group(1) + ">" + html[match.end():]
    return html


def _body_to_the_end(html: str) -> str:
    """Browsers parse what follows `</body>` or `</html>` into the body (templates that print the page's
    shell before its content); libxml2 drops it. When anything follows the first of those end tags but more
    of them, they all go."""
    match = DOCUMENT_END.search(html)
    if match is None or not DOCUMENT_END.sub("", html[match.end():]).strip():
        return html
    return html[:match.start()] + DOCUMENT_END.sub("", html[match.start():])


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
