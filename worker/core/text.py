"""Text helpers the pipeline shares: whitespace, words, e-mail addresses, and word counts that work for
scripts written without spaces."""

from __future__ import annotations

import re
from functools import lru_cache

# Han, kana and CJK symbols: each character counts as a word; spaces do not separate words there.
UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
WORD = re.compile(r"\w+")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PROSE_WORDS = 30  # a paragraph this long is prose, not a heading, a label or a teaser
MAX_CACHED_CHARS = 1000  # 2048 of these at most: a few megabytes


def squash(text: str) -> str:
    """Every run of whitespace as one space, none at the edges."""
    return " ".join(text.split())


def words(text: str) -> list[str]:
    """The runs of word characters, in order."""
    return WORD.findall(text)


def count_words(text: str) -> int:
    # Cleanup rules ask again about the same paragraphs; only short texts are kept, so the cache stays small.
    return _count_cached(text) if len(text) <= MAX_CACHED_CHARS else _count(text)


def _count(text: str) -> int:
    unspaced = len(UNSPACED.findall(text))
    if not unspaced:
        return len(WORD.findall(text))
    return unspaced + len(WORD.findall(UNSPACED.sub(" ", text)))


_count_cached = lru_cache(maxsize=2048)(_count)
