"""The task every extractor process runs, in the daemon and offline: the pure pipeline, given the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from worker.core.classify import PUBLISHED_TYPES
from worker.core.model import Limits, Outcome, PageType, RawRecord
from worker.core.pipeline import process


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Extract:
    limits: Limits = Limits()
    page_types: frozenset[PageType] = PUBLISHED_TYPES  # published; pages of other types become not_article

    def __call__(self, record: RawRecord) -> Outcome:
        return process(record, self.limits, now_utc(), self.page_types)
