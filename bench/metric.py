"""The ScrapingHub article-extraction-benchmark metric, as pure functions.

Tokens are ``re.findall(r"\\w+", text)`` (case-sensitive). The units compared are 4-token shingles
as multisets; a text under 4 tokens is a single shingle (the tuple of its tokens), an empty text has none.
Per page: precision = TP/(TP+FP), recall = TP/(TP+FN), both 1 when FP and FN are both 0, both 0 when
nothing matched. Over pages: P and R are the means of the page values, F1 = 2PR/(P+R) of those means,
accuracy = share of pages whose token sequence equals the ground truth's exactly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

SHINGLE = 4
_TOKEN = re.compile(r"\w+")


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """The text's 4-token shingles as a multiset."""
    toks = tokens(text)
    if not toks:
        return Counter()
    if len(toks) < SHINGLE:
        return Counter([tuple(toks)])
    return Counter(tuple(toks[i : i + SHINGLE]) for i in range(len(toks) - SHINGLE + 1))


def page_scores(predicted: str, truth: str) -> tuple[float, float]:
    """(precision, recall) of one page's predicted text against its ground truth."""
    pred, gold = shingles(predicted), shingles(truth)
    tp = sum((pred & gold).values())
    fp = sum(pred.values()) - tp
    fn = sum(gold.values()) - tp
    if fp == 0 and fn == 0:
        return 1.0, 1.0
    if tp == 0:
        return 0.0, 0.0
    return tp / (tp + fp), tp / (tp + fn)


def page_f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def exact(predicted: str, truth: str) -> bool:
    return tokens(predicted) == tokens(truth)


def summarize(scores: Iterable[tuple[float, float, bool]]) -> dict[str, float]:
    """Aggregate per-page (precision, recall, exact) triples into f1, precision, recall, accuracy."""
    scores = list(scores)
    if not scores:
        return {"f1": 0.0, "precision": 0.0, "recall": 0.0, "accuracy": 0.0}
    precision = sum(s[0] for s in scores) / len(scores)
    recall = sum(s[1] for s in scores) / len(scores)
    accuracy = sum(1 for s in scores if s[2]) / len(scores)
    return {"f1": page_f1(precision, recall), "precision": precision, "recall": recall, "accuracy": accuracy}
