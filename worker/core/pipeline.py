"""The pure pipeline: one raw record in, one Article or DeadLetter out. No I/O, no exceptions escape."""

from __future__ import annotations

import traceback
from dataclasses import replace
from datetime import datetime

from worker.core.article import build_article
from worker.core.classify import classify
from worker.core.cleanup import Context, clean
from worker.core.decoding import decode_page
from worker.core.envelope import parse_envelope
from worker.core.extraction import extract
from worker.core.listings import listing_paragraphs
from worker.core.metadata import with_http_modified
from worker.core.model import PUBLISHED_TYPES, DeadLetter, Limits, Outcome, PageType, RawRecord, Reason
from worker.core.page_types import detect


def process(record: RawRecord, limits: Limits, now: datetime, published: frozenset[PageType] = PUBLISHED_TYPES) -> Outcome:
    """`published`: the page types published as articles; the others become not_article dead letters."""
    stage = "envelope"
    try:
        raw = parse_envelope(record)
        if isinstance(raw, DeadLetter):
            return raw
        stage = "decode"
        page = decode_page(raw, limits)
        if isinstance(page, DeadLetter):
            return page
        stage = "extract"
        extraction = extract(page, now, limits.max_elements)
        if isinstance(extraction, DeadLetter):
            return extraction
        meta = with_http_modified(extraction.metadata, page.last_modified, now)
        extraction = replace(extraction, metadata=meta)
        stage = "cleanup"
        context = Context(meta.headlines, extraction.captions, extraction.link_texts)
        cleaned = clean(extraction.paragraphs, context)
        stage = "classify"
        judged = detect(meta.declared_types, page.url, cleaned.paragraphs, extraction.link_texts, extraction.page)
        page_type = judged.page_type
        if judged.reads_landmark and page_type in published and (
                listing := listing_paragraphs(extraction.page, cleaned.paragraphs)):
            cleaned = clean(listing, context)
        rejection = classify(cleaned.paragraphs, meta.title, page_type, raw.status, published)
        if rejection:
            return rejection
        stage = "build"
        return build_article(page, extraction, cleaned, record.origin, page_type)
    except Exception as err:  # a bug or a library failure on odd input: the record still gets an outcome
        return DeadLetter(Reason.EXTRACTION_ERROR, stage, str(err)[:1000] or repr(err), type(err).__name__,
                          stacktrace=traceback.format_exc())
