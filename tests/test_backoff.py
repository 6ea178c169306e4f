"""Retries are jittered: ours (start-up connect, produce) and kafka-python's own reconnects."""

from kafka.net.manager import KafkaConnectionManager

from worker.stream import backoff
from worker.stream.guarantees import RETRY_BACKOFF_S
from worker.stream.service import CONNECT_BACKOFF_S


def test_each_delay_is_its_step_within_twenty_percent_and_replicas_differ():
    for steps in (CONNECT_BACKOFF_S, RETRY_BACKOFF_S):
        for attempt in range(len(steps) + 3):
            step = steps[min(attempt, len(steps) - 1)]
            delays = {backoff.delay(steps, attempt) for _ in range(50)}
            assert all(0.8 * step <= d <= 1.2 * step for d in delays)
            assert len(delays) > 40, "replicas retrying at the same moment would wait the same"


def test_kafka_python_jitters_its_reconnects():
    """What the README and worker/stream/backoff.py say of kafka-python 3.0.12: an upgrade that drops it fails here."""
    manager = KafkaConnectionManager.__new__(KafkaConnectionManager)
    manager.config = {"reconnect_backoff_ms": 50, "reconnect_backoff_max_ms": 30000}
    timeouts = {manager._calculate_exp_timeout("reconnect_backoff_ms", 3) for _ in range(50)}
    assert all(0.8 * 200 <= t <= 1.2 * 200 for t in timeouts) and len(timeouts) > 40
