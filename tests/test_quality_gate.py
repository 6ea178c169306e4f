"""The benchmark metric on hand-made texts, and a quality gate: our pipeline on the ScrapingHub
article-extraction benchmark must not fall below the floors in bench/quality_baseline.json.
The gate skips when the dataset (../shared/datasets/scrapinghub next to the repo) is absent."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.metric import exact, page_scores, shingles, summarize  # noqa: E402

BASELINE = ROOT / "bench" / "quality_baseline.json"
DATASET = ROOT.parent / "shared" / "datasets" / "scrapinghub"


# --- the metric --------------------------------------------------------------------------------------


def test_identical_texts_score_one_and_are_exact():
    text = "The quick brown fox jumps over the lazy dog."
    assert page_scores(text, text) == (1.0, 1.0)
    assert exact(text, text)


def test_disjoint_texts_score_zero():
    assert page_scores("alpha beta gamma delta epsilon", "one two three four five") == (0.0, 0.0)
    assert not exact("alpha beta gamma delta", "one two three four")


def test_partial_overlap_gives_the_hand_computed_scores():
    # predicted shingles: abcd bcde cdef; truth: abcd bcde cdex -> TP 2, FP 1, FN 1
    assert page_scores("a b c d e f", "a b c d e x") == pytest.approx((2 / 3, 2 / 3))
    # predicted: abcd bcde; truth: abcd bcde cdef defg -> TP 2, FP 0, FN 2
    assert page_scores("a b c d e", "a b c d e f g") == (1.0, 0.5)


def test_shingles_are_a_multiset():
    assert shingles("a b c d a b c d")[("a", "b", "c", "d")] == 2
    # predicted abcd x2, bcda, cdab, dabc against truth abcd -> TP 1, FP 4, FN 0
    assert page_scores("a b c d a b c d", "a b c d") == (0.2, 1.0)


def test_a_text_under_four_tokens_is_one_shingle():
    assert shingles("hello world") == Counter({("hello", "world"): 1})
    assert page_scores("hello world", "hello, world!") == (1.0, 1.0)
    assert page_scores("hello world", "hello there") == (0.0, 0.0)


def test_empty_texts():
    assert shingles("") == Counter()
    assert shingles(" ,.! ") == Counter()
    assert page_scores("", "") == (1.0, 1.0)
    assert page_scores("", "some text that matters") == (0.0, 0.0)
    assert page_scores("some text that nobody wanted", "") == (0.0, 0.0)


def test_tokens_are_case_sensitive_and_ignore_punctuation():
    assert exact("Hello, world!", "Hello world")
    assert not exact("Hello world", "hello world")
    assert page_scores("One Two Three Four", "one two three four") == (0.0, 0.0)


def test_summarize_takes_f1_of_the_mean_precision_and_recall():
    summary = summarize([(1.0, 0.5, False), (2 / 3, 2 / 3, True)])
    precision, recall = 5 / 6, 7 / 12
    assert summary == pytest.approx(
        {"f1": 2 * precision * recall / (precision + recall), "precision": precision, "recall": recall, "accuracy": 0.5}
    )


def test_stock_metadata_header_is_not_scored_as_text():
    from bench.quality import _strip_front_matter

    assert _strip_front_matter('---\ntitle: "A"\nauthor: B\n---\nBody text.\nMore.') == "Body text.\nMore."
    assert _strip_front_matter("Body only --- no header") == "Body only --- no header"


def test_benchmark_skips_without_the_dataset(tmp_path, capsys):
    from bench.quality import main

    assert main(["--dataset", str(tmp_path / "absent")]) == 0
    assert "dataset not found, skipping" in capsys.readouterr().out


# --- the gate ----------------------------------------------------------------------------------------


def test_our_pipeline_meets_the_quality_floors():
    if not (DATASET / "ground-truth.json").is_file():
        pytest.skip(f"benchmark dataset not found at {DATASET}")
    from bench.quality import EXTRACTORS, evaluate, load_pages

    floors = json.loads(BASELINE.read_text(encoding="utf-8"))["ours"]
    result = evaluate(EXTRACTORS["ours"](), load_pages(DATASET))
    measured = result.summary()
    report = ", ".join(f"{k} {measured[k]:.4f} (floor {floors[k]})" for k in ("f1", "precision", "recall", "accuracy"))
    for key in ("f1", "precision", "accuracy"):
        assert measured[key] >= floors[key], f"{key} fell below its floor: {report}; dead letters {dict(result.dead_letters)}"
