"""Article bodies split across repeated containers.

Some sites cut one article into several sibling blocks of the same kind (`div.article__chunk` after
`div.article__chunk`); trafilatura keeps the first and drops the rest. Here the container the extracted
text came from is found in the page, and text from its same-class siblings within the same article is
added back, in page order.
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

from worker.core.text import squash

TEXT_ELEMENTS = etree.XPath(".//p | .//h2 | .//h3 | .//h4")
VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")
MAX_LEVELS = 4  # how far above the text's container a repeated block may sit and still be the same article
MIN_CHUNK_WORDS = 30  # a smaller block of the same class is a teaser or a caption, not a continuation
MIN_AVERAGE_WORDS = 25  # prose paragraphs; teasers, captions and widget lines in a same-class block are shorter
SKIPPED_ANCESTORS = {"figure", "figcaption", "aside", "nav", "footer", "header", "form", "blockquote"}


def add_continuations(tree: HtmlElement, paragraphs: list[str]) -> list[str]:
    """`paragraphs` plus the text of same-class sibling containers, placed before or after it in page order."""
    located = _locate(tree, paragraphs)
    if located is None:
        return paragraphs
    container, scope = located
    before, after = [], []
    known = {squash(p) for p in paragraphs}
    extracted = "\n".join(known)  # trafilatura may join a heading and its paragraph; no text spans two lines
    position = None
    for other in scope.iterfind(f".//{container.tag}[@class]"):
        if other is container:  # its text is the extraction's, however trafilatura cut it into paragraphs
            position = "after"
            continue
        if not _parallel(other, container) or _related(other, container):
            continue
        texts = [t for t in _texts(other) if t not in known and t not in extracted]
        words = sum(len(t.split()) for t in texts)
        if words >= MIN_CHUNK_WORDS and words >= MIN_AVERAGE_WORDS * len(texts):
            (after if position else before).extend(texts)
            known.update(texts)
    return before + paragraphs + after if before or after else paragraphs


def _locate(tree: HtmlElement, paragraphs: list[str]) -> tuple[HtmlElement, HtmlElement] | None:
    """The classed container holding the extracted text, and the ancestor within which to look for more."""
    wanted = {squash(paragraphs[0]), squash(paragraphs[-1])} if paragraphs else set()
    # text_content() is cheaper than _text(); a rare <p> holding a script does not match: no continuation then
    found = [p for p in tree.iter("p") if squash(p.text_content()) in wanted]
    if not found:
        return None
    container = found[0].getparent()
    for _ in range(MAX_LEVELS):
        if container is None or container.get("class"):
            break
        container = container.getparent()
    if container is None or not container.get("class"):
        return None
    scope = container
    for _ in range(MAX_LEVELS):
        if scope.getparent() is None or scope.tag == "article":
            break
        scope = scope.getparent()
    return container, scope


def _texts(container: HtmlElement) -> list[str]:
    return [
        text
        for element in TEXT_ELEMENTS(container)
        if not any(a.tag in SKIPPED_ANCESTORS for a in element.iterancestors())
        and (text := _text(element))
    ]


def _text(element: HtmlElement) -> str:
    return squash("".join(VISIBLE_TEXT(element)))


def _parallel(a: HtmlElement, b: HtmlElement) -> bool:
    """Same kind of block in the same kind of parent: the repeated chunks of one body."""
    pa, pb = a.getparent(), b.getparent()
    return (
        a.tag == b.tag and a.get("class") == b.get("class")
        and pa is not None and pb is not None and pa.tag == pb.tag and pa.get("class") == pb.get("class")
    )


def _related(a: HtmlElement, b: HtmlElement) -> bool:
    """One contains the other."""
    return any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())
