"""The listing model: its fitting (bench/listing_model.py) and the weights the worker ships with."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import lxml.html
import numpy as np

from bench.listing_model import fit
from worker.core import listing_model
from worker.core.model import PageType
from worker.core.page_types import (
    COUNTS,
    LANDMARK_MARGIN,
    Judgement,
    listing_evidence,
    listing_score,
    transformed,
)


def test_fitting_finds_the_evidence_that_separates_the_classes_and_ignores_noise():
    rng = random.Random(1)
    rows = [(label, rng.gauss(2.0 if label else -2.0, 1.0), rng.gauss(0, 1)) for label in [0, 1] * 200]
    x = np.array([[signal, noise] for _, signal, noise in rows])
    y = np.array([label for label, _, _ in rows], float)
    weights, bias = fit(x, y, np.ones(len(y)))
    assert weights[0] > 1.0 and abs(weights[1]) < 0.3 * weights[0]
    predicted = (x @ weights + bias) >= 0
    assert (predicted == y.astype(bool)).mean() > 0.95


def test_an_article_weighing_more_moves_the_boundary_towards_the_listings():
    rng = random.Random(2)
    signal = [rng.gauss(1.0 if label else -1.0, 1.0) for label in [0, 1] * 200]
    x, y = np.array([[value] for value in signal]), np.array([0, 1] * 200, float)
    (w_even,), b_even = fit(x, y, np.ones(len(y)))
    (w_heavy,), b_heavy = fit(x, y, np.where(y == 0, 3.0, 1.0))
    assert -b_heavy / w_heavy > -b_even / w_even  # a page must look more like a listing to be called one


def test_the_shipped_weights_name_exactly_the_evidence_the_worker_computes():
    page = lxml.html.fromstring("<html><body><p>A paragraph <a href='/x'>with a link</a>.</p></body></html>")
    evidence = listing_evidence(frozenset(), urlsplit("https://example.com/news"), ("A paragraph with a link.",),
                                frozenset({"with a link"}), page)
    assert set(listing_model.WEIGHTS) == set(evidence)
    assert COUNTS <= set(evidence)


def test_counts_enter_the_score_as_logarithms():
    weight = listing_model.WEIGHTS["anchors"]
    few, many = ({"anchors": n} for n in (9.0, 99.0))
    assert transformed(few, ["anchors"]) == [np.log1p(9.0)]
    assert abs(listing_score(many) - listing_score(few) - weight * (np.log1p(99.0) - np.log1p(9.0))) < 1e-9


def test_the_landmark_is_read_on_listings_and_on_pages_near_to_being_judged_one():
    threshold = listing_model.THRESHOLD
    assert Judgement(PageType.LISTING, threshold).reads_landmark
    assert Judgement(PageType.ARTICLE, threshold - LANDMARK_MARGIN / 2).reads_landmark
    assert not Judgement(PageType.ARTICLE, threshold - 2 * LANDMARK_MARGIN).reads_landmark
    assert not Judgement(PageType.FORUM).reads_landmark  # a forum is told by its declaration or URL, unscored
