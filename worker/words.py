"""Word counts that work for scripts written without spaces."""

from __future__ import annotations

import re
from functools import lru_cache

# Han, kana and CJK symbols: each character counts as a word; spaces do not separate words there.
UNSPACED = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f]")
WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)  # cleanup rules ask again about the same paragraphs
def count_words(text: str) -> int:
    unspaced = len(UNSPACED.findall(text))
    if not unspaced:
        return len(WORD.findall(text))
    return unspaced + len(WORD.findall(UNSPACED.sub(" ", text)))
