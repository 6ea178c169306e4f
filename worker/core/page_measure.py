"""trafilatura's recall escalation measures the page with the menus we took out before it put back.

trafilatura retries a short extraction in recall mode when it covers under a fifth of the page's text, measured
by its baseline cleaning (which drops asides and footers, not menus). We delete `<nav>` before trafilatura
runs, so the page it measures is smaller and the retry that stock trafilatura makes on service, forum and
landing pages (a short lead above sections it did not reach) no longer fires.
"""

from __future__ import annotations

from contextlib import AbstractContextManager

import trafilatura.core
from lxml.html import HtmlElement
from trafilatura.baseline import html2txt

from worker.core.patching import replaced

MEASURED_AWAY = ("aside", "footer")  # what the baseline cleaning drops anyway: menus inside them are not counted


def is_measured(element: HtmlElement) -> bool:
    """Whether the page measure reads `element`'s text: not an aside or footer, nor inside one."""
    return element.tag not in MEASURED_AWAY and next(element.iterancestors(*MEASURED_AWAY), None) is None


def measuring_with(dropped: list[str]) -> AbstractContextManager[None]:
    """trafilatura, inside the block, measures each page as its own text and the `dropped` texts."""
    extra = " ".join(dropped)
    return replaced(trafilatura.core, "html2txt", lambda tree: f"{html2txt(tree)} {extra}" if extra else html2txt(tree))
