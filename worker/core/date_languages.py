"""dateparser, htmldate's last resort for a date in words, told the languages to read: the page's declared
one and English. Left to guess, it tries each of its 205 locales on every string none reads, compiling the
patterns of each on first use: 1.0-1.1 s of CPU in every process, then 4-10 ms a string. On wcxb-dev, where
156 strings reach it, the dates found are the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import TYPE_CHECKING

import htmldate.extractors

from worker.core.patching import replaced

if TYPE_CHECKING:
    from dateparser import DateDataParser

ALWAYS = "en"  # read on every page, and the only language read on pages that declare none
SETTINGS = {  # htmldate's own (htmldate.extractors.get_external_parser)
    "NORMALIZE": True,
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DATES_FROM": "past",
    "PREFER_LOCALE_DATE_ORDER": True,
    "RETURN_AS_TIMEZONE_AWARE": False,
    "STRICT_PARSING": True,
}


@cache  # keys are two-letter codes: a bounded set
def parser_for(language: str | None) -> DateDataParser:
    """A parser of `language` (an ISO 639-1 code) and English; English alone when dateparser lacks it."""
    from dateparser import DateDataParser
    from dateparser.data.languages_info import language_order

    languages = [ALWAYS] + ([language] if language in language_order and language != ALWAYS else [])
    return DateDataParser(languages=languages, settings=SETTINGS)


@contextmanager
def reading(language: str | None) -> Iterator[None]:
    """htmldate's date search inside the block hands dates in words to the parser of `language`."""
    parser = parser_for(language)
    with replaced(htmldate.extractors, "get_external_parser", lambda: parser):
        yield
