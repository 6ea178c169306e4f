"""Retry delays with jitter, so that replicas that failed together do not retry in lockstep.

kafka-python 3.0.12 jitters its own reconnects already (kafka/net/manager.py: reconnect_backoff_ms doubling up to
reconnect_backoff_max_ms, times uniform(0.8, 1.2), as KIP-144); its retry_backoff_ms between produce attempts is
fixed, which is why the worker's own retries go through here.
"""

from __future__ import annotations

import random

JITTER = 0.2  # ±20%, as kafka-python's reconnects


def delay(steps: tuple[float, ...], attempt: int) -> float:
    """The delay before retry `attempt` (0-based): the step, or the last one, ±20%."""
    return steps[min(attempt, len(steps) - 1)] * random.uniform(1 - JITTER, 1 + JITTER)
