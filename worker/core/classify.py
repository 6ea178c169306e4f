"""Is the page to be published? Error pages, near-empty pages and page types not asked for are not."""

from __future__ import annotations

import re

from worker.core import lexicon
from worker.core.lexicon import any_of
from worker.core.metadata import SITE_SUFFIX
from worker.core.model import PUBLISHED_TYPES, DeadLetter, PageType, Reason
from worker.core.text import count_words

STAGE = "classify"
MIN_WORDS = 30  # below this there is no article body, only a teaser or a stub
# A title made of nothing but an HTTP error status and error phrases, in any order: "404", "Error 500",
# "404 - Page not found". A number or an error word among other words is an article's ("Under $500").
ERROR_STATUS = r"(?:http\s*)?[45]\d\d"
ERROR_MESSAGE = re.compile(rf"(?:\W*(?:{ERROR_STATUS}|{any_of(lexicon.ERROR_TITLES)})\b)+\W*", re.I)
MAX_ERROR_TITLE_CHARS = 200  # an error message is short; longer titles are not matched at all
MAX_SITE_NAME_WORDS = 5  # what may stand beside the error message, after a separator: "Page not found | Site"
MAX_ERROR_PAGE_WORDS = 150  # an error page explains itself in a few lines; an article about errors is longer


def classify(
    paragraphs: tuple[str, ...], title: str, page_type: PageType, status: int | None,
    published: frozenset[PageType] = PUBLISHED_TYPES,
) -> DeadLetter | None:
    """None when the page is to be published, otherwise the dead letter that says why not."""
    if status is not None and status >= 400:
        return DeadLetter(Reason.NOT_ARTICLE, STAGE, f"HTTP status {status}")
    words = sum(map(count_words, paragraphs))
    if words < MAX_ERROR_PAGE_WORDS and _is_error_title(title):
        return DeadLetter(Reason.NOT_ARTICLE, STAGE, f"error page: {title[:100]!r}")
    if words < MIN_WORDS:
        return DeadLetter(Reason.NO_CONTENT, STAGE, f"only {words} words of text")
    if page_type not in published:
        return DeadLetter(Reason.NOT_ARTICLE, STAGE, f"a {page_type} page, not published by this worker", page_type=page_type)
    return None


def _is_error_title(title: str) -> bool:
    """Whether the title is only an error message, with at most a site or section name beside it."""
    if len(title) > MAX_ERROR_TITLE_CHARS:
        return False
    parts = SITE_SUFFIX.split(title.strip())
    errors = {i for i, part in enumerate(parts) if ERROR_MESSAGE.fullmatch(part)}
    return bool(errors) and all(count_words(part) <= MAX_SITE_NAME_WORDS for i, part in enumerate(parts) if i not in errors)
