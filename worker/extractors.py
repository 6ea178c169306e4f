"""The extractor pool as `worker run` and `worker extract` both build it, from the settings."""

from __future__ import annotations

from worker.core.warm_up import WARM_UP
from worker.pool import ExtractorPool, PoolSettings
from worker.settings import Settings
from worker.task import Extract


def extractor_pool(settings: Settings) -> ExtractorPool:
    return ExtractorPool(
        Extract(settings.limits, settings.published_types),
        PoolSettings(settings.extractor_processes, settings.extraction_timeout_s, settings.recycle_after),
        warm_up=WARM_UP,
        preload=("worker.warm",),
        log_level=settings.log_level,
    )
