"""Fit the listing model (worker/core/listing_model.py) on the wcxb-dev tune half and report both halves.

    python bench/listing_model.py [--write]

Runs our pipeline (every page type published) over wcxb-dev and records, at the page-type stage, the evidence
`page_types.listing_evidence` gives. An L2-regularized logistic regression then tells listings and
collections from articles, on the tune half only, with a refused article weighing ARTICLE_WEIGHT listings
(it is lost to every user; a published listing costs a reader a skip). The threshold is the lowest that
flags at most MAX_ARTICLES_FLAGGED of the tune half's articles. The check half is only read, as the figures
printed; `--write` writes the model's module.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import argparse
from concurrent.futures import ProcessPoolExecutor
from urllib.parse import urlsplit

import numpy as np

from bench import datasets
from bench.datasets import WCXB
from bench.quality import DATASETS, EXTRACTORS
from worker.core.page_types import transformed

LISTINGS = frozenset({"listing", "collection"})  # WCXB's types that our LISTING stands for
ARTICLE_WEIGHT = 3.0
L2 = 1.0  # the inverse of the regularization strength, on standardized evidence
MAX_ARTICLES_FLAGGED = 0.0025
NEWTON_STEPS = 50
MODULE = Path(__file__).resolve().parent.parent / "worker" / "core" / "listing_model.py"

_extract = None
_captured: dict[str, float] | None = None


def _start() -> None:
    """In each pool process: the pipeline, its page-type stage recording the evidence."""
    global _extract
    import worker.core.pipeline as pipeline
    from worker.core import page_types

    def recording(declared, url, paragraphs, link_texts, page=None):
        global _captured
        _captured = page_types.listing_evidence(declared, urlsplit(url), paragraphs, link_texts, page)
        return page_types.detect(declared, url, paragraphs, link_texts, page)

    pipeline.detect = recording
    _extract = EXTRACTORS["ours_all_types"]()


def _evidence(job) -> dict[str, float] | None:
    global _captured
    page, i = job
    _captured = None
    _extract.run(_extract.prepare(page, i))
    return _captured  # None: the page ended before the page-type stage


def fit(x: np.ndarray, y: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, float]:
    """Weights and bias on the raw (transformed) evidence, fitted by Newton's method on standardized columns."""
    mean, spread = x.mean(0), x.std(0) + 1e-9
    z = np.hstack([(x - mean) / spread, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.r_[np.ones(len(w) - 1), 0.0] / L2  # the bias is not penalized
    for _ in range(NEWTON_STEPS):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ ((p - y) * weights) + penalty * w
        hessian = (z * (p * (1 - p) * weights)[:, None]).T @ z + np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
    raw = w[:-1] / spread
    return raw, float(w[-1] - raw @ mean)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=Path, default=DATASETS)
    parser.add_argument("--write", action="store_true", help=f"write {MODULE.relative_to(MODULE.parents[2])}")
    args = parser.parse_args()
    pages = datasets.load(args.datasets, WCXB)
    with ProcessPoolExecutor(2, initializer=_start) as pool:
        evidence = list(pool.map(_evidence, [(page, i) for i, page in enumerate(pages)], chunksize=8))
    rows = [(page, found) for page, found in zip(pages, evidence, strict=True) if found is not None]
    names = sorted({name for _, found in rows for name in found})
    x = np.array([transformed(found, names) for _, found in rows])
    kinds = np.array([page.page_type for page, _ in rows])
    halves = np.array([page.half for page, _ in rows])
    listing = np.isin(kinds, list(LISTINGS))
    train = (halves == "tune") & (listing | (kinds == "article"))
    w, bias = fit(x[train], listing[train].astype(float), np.where(kinds[train] == "article", ARTICLE_WEIGHT, 1.0))
    scores = x @ w + bias
    tune_articles = np.sort(scores[train & (kinds == "article")])[::-1]
    threshold = round(float(tune_articles[int(MAX_ARTICLES_FLAGGED * len(tune_articles))]) + 0.005, 2)
    print(f"{len(rows)} of {len(pages)} pages reach the page-type stage; threshold {threshold}")
    for half in ("tune", "check"):
        flagged = {kind: f"{(scores[(halves == half) & (kinds == kind)] >= threshold).mean():.3f}"
                   for kind in ("article", "listing", "collection", "service", "product", "forum", "documentation")}
        print(f"{half}: the share of each type the model judges a listing (the declaration and URL rules aside)", flagged)
    if args.write:
        lines = "".join(f"    \"{name}\": {weight:.4f},\n" for name, weight in zip(names, w, strict=True))
        MODULE.write_text(
            '"""The listing model\'s weights, written by bench/listing_model.py (fitted on the wcxb-dev tune half):\n'
            'do not edit by hand. A page whose weighted evidence reaches THRESHOLD is a listing."""\n\n'
            f"WEIGHTS = {{\n{lines}}}\nBIAS = {bias:.4f}\nTHRESHOLD = {threshold}\n")
        print("wrote", MODULE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
