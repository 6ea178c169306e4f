"""The task every extractor process runs, in the daemon and offline: the pure pipeline, given the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from worker.core.model import PUBLISHED_TYPES, Limits, Outcome, PageType, RawRecord


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Extract:
    limits: Limits = Limits()
    page_types: frozenset[PageType] = PUBLISHED_TYPES  # published; pages of other types become not_article

    def __call__(self, record: RawRecord) -> Outcome:
        # Imported here, not above: the parent that builds the task never runs it, and trafilatura & co. would cost
        # it 0.3 s of start-up and 25 MB. An extractor process has them loaded already, from the forkserver's preload.
        from worker.core.pipeline import process

        return process(record, self.limits, now_utc(), self.page_types)
