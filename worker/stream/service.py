"""Process wiring for `worker run`: clients, pool, signals, and an orderly shutdown."""

from __future__ import annotations

import logging
import os
import signal
import threading

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaConnectionError, RetriableError

from worker import __version__
from worker.extractors import extractor_pool
from worker.settings import MAX_REQUEST_BYTES, Settings
from worker.stream import backoff, handshake
from worker.stream.guarantees import TransactionFailed
from worker.stream.loop import Runner
from worker.stream.telemetry import Health, Metrics, serve_http

log = logging.getLogger(__name__)
CONNECT_BACKOFF_S = (1, 2, 4, 8, 15, 30)  # waiting for a broker that is still starting
# Pages are large: a small fetch keeps the client's I/O thread (which shares the GIL with the loop)
# from parsing tens of megabytes at a time; a batch larger than this still comes, alone.
FETCH_MAX_BYTES = 4 * 1024 * 1024
# A group joined while the input topic's metadata was not yet known is assigned nothing, and kafka-python
# rebalances only when its metadata next refreshes (5 minutes by default): seen with a topic created just before.
METADATA_MAX_AGE_MS = 15_000
PRODUCER_MAX_BLOCK_MS = 5000  # send() blocks this long at most (e.g. on a missing topic), then the loop retries
# Outputs wait this long to share a produce request: one request per article cost the broker as much CPU as
# a third of an extractor on the benchmark. At 25 ms most batches still held one article (pages come every
# ~30 ms, spread over the output partitions); 100 ms took the worker's main process from 3.8 to 3.2 ms a page.
PRODUCER_LINGER_MS = 100
# Exactly-once: a worker killed mid-transaction leaves it open, and read_committed readers of the partitions it
# wrote wait until the broker aborts it. Ours last about a commit interval; Kafka Streams also uses 10 s.
TRANSACTION_TIMEOUT_MS = 10_000


def connect(settings: Settings, stopped: threading.Event) -> tuple[KafkaConsumer, KafkaProducer] | None:
    """Both clients, once the brokers answer; None if asked to stop while waiting. Raises handshake.Refused."""
    attempt = 0
    while not stopped.is_set():
        handshake.check(settings.consumer_options())
        try:
            consumer = KafkaConsumer(**settings.consumer_options(
                group_id=settings.group_id,
                client_id=f"article-worker-{os.getpid()}",
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                isolation_level="read_committed",
                fetch_max_bytes=FETCH_MAX_BYTES,
                metadata_max_age_ms=METADATA_MAX_AGE_MS,
            ))
            producer = KafkaProducer(**settings.producer_options(
                acks="all",
                enable_idempotence=True,
                compression_type="zstd",
                linger_ms=PRODUCER_LINGER_MS,
                max_block_ms=PRODUCER_MAX_BLOCK_MS,
                transactional_id=settings.effective_transactional_id if settings.exactly_once else None,
                transaction_timeout_ms=TRANSACTION_TIMEOUT_MS,
                max_request_size=MAX_REQUEST_BYTES,
            ))
            if _input_topic_found(consumer, settings.input_topic, stopped):
                return consumer, producer
            consumer.close()
            producer.close()
            return None
        except (RetriableError, KafkaConnectionError):
            delay = backoff.delay(CONNECT_BACKOFF_S, attempt)  # replicas restarted together spread out
            log.warning("no broker available yet",
                        extra={"bootstrap_servers": settings.bootstrap_servers, "retry_in_s": round(delay, 2)})
            stopped.wait(delay)
            attempt += 1
    return None


def _input_topic_found(consumer: KafkaConsumer, topic: str, stopped: threading.Event) -> bool:
    """Until the input topic's partitions are in the consumer's metadata; False if asked to stop first. A
    group joined before that is assigned nothing, and kafka-python 3.0.12 does not rebalance when they
    appear: a worker started beside `worker topics` would idle for ever."""
    attempt = 0
    while not consumer.partitions_for_topic(topic):
        delay = backoff.delay(CONNECT_BACKOFF_S, attempt)
        log.warning("input topic not found yet", extra={"topic": topic, "retry_in_s": round(delay, 2)})
        if stopped.wait(delay):
            return False
        attempt += 1
    return True


def serve(settings: Settings) -> int:
    log.info("starting", extra={"version": __version__, "settings": settings.redacted()})
    stopped = threading.Event()
    runner: Runner | None = None

    def on_signal(signum, _frame):
        if stopped.is_set():
            log.error("second signal: exiting at once")
            os._exit(1)
        log.info("stopping: finishing pages in flight", extra={"signal": signal.Signals(signum).name})
        stopped.set()
        if runner:
            runner.stop()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    metrics, health = Metrics(), Health(settings.liveness_timeout_s)
    try:
        http = serve_http(settings.metrics_port, metrics, health) if settings.metrics_port else None
    except OSError as err:
        log.error(f"cannot serve metrics on port {settings.metrics_port}: {err.strerror}; choose another with "
                  "--metrics-port (WORKER_METRICS_PORT), or 0 to turn the endpoints off")
        return 1
    pool = extractor_pool(settings)
    try:
        pool.warm_up()
        health.warm = True
        try:
            clients = connect(settings, stopped)
        except handshake.Refused as refused:
            log.error(str(refused))
            return 1
        if clients is None:
            return 0
        consumer, producer = clients
        if settings.exactly_once:
            producer.init_transactions()  # fences any earlier incarnation with the same transactional id
        runner = Runner(settings, consumer, producer, pool, metrics, health)
        if stopped.is_set():
            runner.stop()
        try:
            counters = runner.run()
        except TransactionFailed:
            return 3
        producer.close()
        consumer.close()  # leaves the group, so the partitions move on at once
        log.info("stopped", extra={"consumed": counters.consumed, "articles": counters.articles,
                                   "dead_letters": counters.dead_letters})
        return 0
    finally:
        pool.close()
        if http:
            http.shutdown()
