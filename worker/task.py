"""The task every extractor process runs, in the daemon and offline: the pure pipeline, given the clock."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from worker.core.model import Limits, Outcome, RawRecord
from worker.core.pipeline import process


def now_utc() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Extract:
    limits: Limits = Limits()

    def __call__(self, record: RawRecord) -> Outcome:
        return process(record, self.limits, now_utc())
