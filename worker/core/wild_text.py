"""trafilatura's last-resort text recovery, widened to headings and lists.

When trafilatura finds no content container (no `<article>`, no "content" or "post" class: the div-built pages
of page builders and shops), it recovers the page's "wild" elements: paragraphs, code, quotes and tables. It
leaves out headings and lists, so every subhead and bullet list of such a page is lost, though the paragraphs
around them are kept. Here the recovery also takes `head` and `list` elements (as trafilatura names `<h1>`…`<h6>`
and `<ul>`/`<ol>` by then); in recall mode it takes lists itself, and only headings are added.

trafilatura decides its later rescues (readability and jusText, the baseline, the recall retry) on the length of
the text extracted so far, and a longer text would stop rescues that stock trafilatura makes. So it is told the
length of the text without what was added: it decides as stock does, and the headings and lists stay in the body.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import trafilatura.core
import trafilatura.main_extractor as main_extractor
from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.settings import Extractor

from worker.core.patching import replaced

WIDER_SEARCH = "|.//head|.//list"
STOCK_RECOVERY = main_extractor.recover_wild_text
STOCK_EXTRACT_CONTENT = trafilatura.core.extract_content
STOCK_PRUNING = main_extractor.prune_unwanted_sections


class _WidenedSearch:
    """The pruned tree that the recovery searches, its search widened."""

    def __init__(self, tree: HtmlElement) -> None:
        self._tree = tree

    def xpath(self, expression: str) -> list:
        return self._tree.xpath(expression + WIDER_SEARCH)


def _widened_pruning(*args, **kwargs) -> _WidenedSearch:
    """trafilatura's pruning of the tree the recovery searches (its only use of the result is `xpath`)."""
    return _WidenedSearch(STOCK_PRUNING(*args, **kwargs))


class _Recovery:
    """trafilatura's recovery and its caller, for one extraction: the caller reports the stock text length."""

    def __init__(self) -> None:
        self._stock_text: str | None = None  # the recovery's text without what it added, when it added any

    def recover(self, tree: HtmlElement, result_body: _Element, options: Extractor, potential_tags=None,
                consumed=None) -> _Element:
        before = set(result_body)
        with replaced(main_extractor, "prune_unwanted_sections", _widened_pruning):
            body = STOCK_RECOVERY(tree, result_body, options, potential_tags, consumed)
        added_tags = {"head"} if options.focus == "recall" else {"head", "list"}
        added = {element for element in body if element not in before and element.tag in added_tags}
        if added:
            self._stock_text = " ".join(_text_without(body, added)).strip()
        return body

    def extract_content(self, cleaned_tree: HtmlElement, options: Extractor) -> tuple[_Element, str]:
        self._stock_text = None
        body, text = STOCK_EXTRACT_CONTENT(cleaned_tree, options)
        return body, text if self._stock_text is None else self._stock_text


def _text_without(body: _Element, left_out: set[_Element]) -> Iterator[str]:
    """`body.itertext()`, without the text inside the `left_out` children (their tails stay)."""
    if body.text:
        yield body.text
    for child in body:
        if child not in left_out:
            yield from child.itertext()
        if child.tail:
            yield child.tail


@contextmanager
def recovering_headings_and_lists() -> Iterator[None]:
    """trafilatura, inside the block, recovers headings and lists with the wild text (not thread-safe, as
    trafilatura itself is not)."""
    recovery = _Recovery()
    with replaced(main_extractor, "recover_wild_text", recovery.recover), \
            replaced(trafilatura.core, "extract_content", recovery.extract_content):
        yield
