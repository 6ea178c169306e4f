"""The ScrapingHub article-extraction-benchmark metric, as pure functions.

Tokens are ``re.findall(r"\\w+", text)`` (case-sensitive). The units compared are 4-token shingles
as multisets; a text under 4 tokens is a single shingle (the tuple of its tokens), an empty text has none.
Per page: precision = TP/(TP+FP), recall = TP/(TP+FN), both 1 when FP and FN are both 0, both 0 when
nothing matched. Over pages: P and R are the means of the page values, F1 = 2PR/(P+R) of those means,
accuracy = share of pages whose token sequence equals the ground truth's exactly.

The WCXB metric: words are ``re.findall(r"\\w+", text.lower())`` as multisets; per page, word precision, recall
and F1 (1 when the reference and the output are both empty, 0 when only one is); the set's figure is the mean
page F1.

Metadata accuracy, over the pages whose ground truth has the field (a missing prediction is a miss):
- title: the words are equal, or their word F1 is at least TITLE_MIN_F1 (a site name appended or dropped
  around a long title still counts; around a short one it does not);
- author: any predicted name has the same words as any name of the ground truth, names being split at
  commas, semicolons, slashes, "&" and "and" (so "Dylan Bailey, MS, RD" is matched by "Dylan Bailey");
- date: the prediction's first YYYY-MM-DD starts with the ground truth's date: the same calendar day
  (the same month where the ground truth gives only YYYY-MM), whatever the time and time zone.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

SHINGLE = 4
_TOKEN = re.compile(r"\w+")
TITLE_MIN_F1 = 0.9  # one stray word in ten: a suffix like "| Site" on a long title, not a different title
_NAME_SEPARATORS = re.compile(r"[,;/&|]|\band\b", re.I)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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


# --- WCXB: word F1 and metadata accuracy ----------------------------------------------------------


def words(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def word_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of one page's words against its reference, as multisets."""
    pred, gold = Counter(words(predicted)), Counter(words(truth))
    if not pred or not gold:
        score = 1.0 if not pred and not gold else 0.0
        return score, score, score
    tp = sum((pred & gold).values())
    precision, recall = tp / sum(pred.values()), tp / sum(gold.values())
    return precision, recall, page_f1(precision, recall)


def title_matches(predicted: str | None, truth: str) -> bool:
    pred, gold = words(predicted or ""), words(truth)
    return bool(pred) and (pred == gold or word_scores(predicted or "", truth)[2] >= TITLE_MIN_F1)


def _names(text: str) -> set[tuple[str, ...]]:
    return {name for part in _NAME_SEPARATORS.split(text) if (name := tuple(words(part)))}


def author_matches(predicted: Iterable[str], truth: str) -> bool:
    gold = _names(truth)
    return any(_names(name) & gold for name in predicted)


def date_matches(predicted: str | None, truth: str) -> bool:
    day = _DAY.search(predicted or "")
    return bool(day and truth.strip() and day.group().startswith(truth.strip()))
