"""The extractor pool as `worker run` and `worker extract` both build it, from the settings."""

from __future__ import annotations

from worker import pool
from worker.core.warm_up import WARM_UP
from worker.pool import ExtractorPool, PoolSettings
from worker.settings import Settings
from worker.task import Extract

PRELOAD = ("worker.warm",)  # the pipeline, loaded and run once in the forkserver


def start_forkserver() -> None:
    """Start loading the pipeline for the pool in the background, before the pool exists: the caller goes on
    with its own imports and set-up in the meantime."""
    pool.start_forkserver(PRELOAD)


def extractor_pool(settings: Settings) -> ExtractorPool:
    return ExtractorPool(
        Extract(settings.limits, settings.published_types),
        PoolSettings(settings.extractor_processes, settings.extraction_timeout_s, settings.recycle_after),
        warm_up=WARM_UP,
        preload=PRELOAD,
        log_level=settings.log_level,
    )
