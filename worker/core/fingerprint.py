"""Fingerprints of an article's text: an exact content hash and a near-duplicate SimHash."""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import lru_cache

import numpy as np

from worker.core.text import words

BITS = 64


def content_hash(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def simhash(text: str) -> str:
    """Charikar's SimHash over the text's words, weighted by count: near-duplicate texts differ in few bits.

    Vectorized with numpy; trafilatura's pure-Python Simhash costs more than the rest of our cleanup.
    Tokens are hashed with BLAKE2b, so the value is stable across processes and runs.
    """
    counts = Counter(words(text.casefold()))
    if not counts:
        return "0" * (BITS // 4)
    digests = b"".join(map(_token_hash, counts))
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8)).reshape(len(counts), BITS)
    weights = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
    score = weights @ (2 * bits.astype(np.int64) - 1)
    value = int("".join("1" if s > 0 else "0" for s in score), 2)
    return f"{value:0{BITS // 4}x}"


@lru_cache(maxsize=1 << 15)  # most words of a page are common words, hashed before
def _token_hash(token: str) -> bytes:
    return hashlib.blake2b(token.encode("utf-8"), digest_size=BITS // 8).digest()
