"""Assemble the published Article from the extraction, the cleaned text and the page."""

from __future__ import annotations

import hashlib
from functools import cache
from urllib.parse import urlsplit

import trafilatura
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from worker.core.authors import clean_authors
from worker.core.cleanup import Cleaned
from worker.core.extraction import Extraction
from worker.core.fingerprint import content_hash, simhash
from worker.core.model import Article, Origin, Page, PageType
from worker.core.text import count_words
from worker.core.timestamps import Timestamp, rfc3339
from worker.core.version import __version__

EXTRACTOR = f"trafilatura/{trafilatura.__version__}"
LANGUAGE_SAMPLE_CHARS = 500  # on the dataset, as sure as 1500 and agreeing on every page; cost grows with length
MIN_LANGUAGE_CONFIDENCE = 0.5  # below this the page's own declaration is the better guess


def build_article(page: Page, extraction: Extraction, cleaned: Cleaned, origin: Origin | None,
                  page_type: PageType = PageType.ARTICLE) -> Article:
    meta = extraction.metadata
    text = "\n\n".join(cleaned.paragraphs)
    language, confidence = identify_language(text, meta.declared_language)
    published_at, published_precision, published_offset = published_form(meta.published_at)
    modified_at, modified_precision, modified_offset = published_form(meta.modified_at)
    return Article(
        id=article_id(meta.canonical_url),
        url=page.url,
        canonical_url=meta.canonical_url,
        hostname=urlsplit(meta.canonical_url).hostname or "",
        title=meta.title,
        authors=meta.authors or clean_authors(list(cleaned.bylines)),
        published_at=published_at,
        published_precision=published_precision,
        published_offset=published_offset,
        modified_at=modified_at,
        modified_precision=modified_precision,
        modified_offset=modified_offset,
        language=language,
        language_confidence=confidence,
        text=text,
        word_count=count_words(text),
        origin=origin,
        site_name=meta.site_name,
        description=meta.description,
        image=meta.image,
        tags=meta.tags,
        categories=meta.categories,
        license=meta.license,
        captions=cleaned.captions,
        fetched_at=rfc3339(page.fetched_at) if page.fetched_at else None,
        content_hash=content_hash(text),
        simhash=simhash(text),
        extractor=EXTRACTOR,
        worker_version=__version__,
        page_type=page_type,
    )


def published_form(stamp: Timestamp | None) -> tuple[str | None, str | None, str | None]:
    """A timestamp as an article's three fields: RFC 3339 in UTC, precision, the page's offset."""
    return (stamp.rfc3339(), stamp.precision.value, stamp.offset) if stamp else (None, None, None)


def article_id(canonical_url: str) -> str:
    """Stable across re-crawls of the same article: a hash of its canonical URL."""
    return hashlib.blake2b(canonical_url.encode("utf-8"), digest_size=16).hexdigest()


@cache
def _identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify_language(text: str, declared: str | None) -> tuple[str | None, float | None]:
    language, confidence = _identifier().classify(text[:LANGUAGE_SAMPLE_CHARS])
    if confidence < MIN_LANGUAGE_CONFIDENCE and declared:
        return declared, None
    return language, round(float(confidence), 3)
