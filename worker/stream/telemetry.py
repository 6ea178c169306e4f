"""What the worker tells its operators: Prometheus metrics and the health of the loop, served over HTTP."""

from __future__ import annotations

import logging
import platform
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from importlib.metadata import version
from urllib.parse import urlsplit

import psutil
from kafka.structs import TopicPartition
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    MetricsHandler,
)
from prometheus_client.core import GaugeMetricFamily

from worker import __version__
from worker.core.model import RawRecord
from worker.stream.records import Kind, OutgoingRecord
from worker.stream.tracebacks import FirstOccurrences

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
END_TO_END_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)
GAUGE_INTERVAL_S = 5.0  # lag and restarts are refreshed this often; cheap, but not per record


PREFIX = "article_worker_"  # ours; the standard process_* and python_* series keep their usual names
# deploy/kubernetes probes and scrapes these (tests/test_kubernetes.py checks)
METRICS_PATH, LIVENESS_PATH, READINESS_PATH = "/metrics", "/healthz", "/readyz"


class Metrics:
    """Every metric the worker exports, in a registry of its own (no global state), with the standard process,
    platform and garbage-collector collectors and the extractor processes' memory."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        for standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):  # RSS, CPU, python_info, GC
            r.register(standard)
        r.register(ExtractorMemory())
        Info(PREFIX + "build", "Versions of the worker and what its output depends on", registry=r).info({
            "version": __version__, "python": platform.python_version(),
            "trafilatura": version("trafilatura"), "kafka_python": version("kafka-python"),
        })
        self.records_in = Counter(PREFIX + "records_in", "Input records consumed", registry=r)
        self.articles_out = Counter(PREFIX + "articles_out", "Articles acknowledged by the broker", registry=r)
        self.dead_letters = Counter(PREFIX + "dead_letters", "Dead letters acknowledged by the broker", ["reason"],
                                    registry=r)
        self.extraction_seconds = Histogram(PREFIX + "extraction_seconds", "Time to extract one page in a pool process",
                                            buckets=LATENCY_BUCKETS, registry=r)
        self.end_to_end_seconds = Histogram(PREFIX + "end_to_end_seconds",
                                            "From the input record's timestamp to its output's acknowledgement",
                                            buckets=END_TO_END_BUCKETS, registry=r)
        self.in_flight = Gauge(PREFIX + "in_flight", "Records consumed and not yet acknowledged", registry=r)
        self.extractor_restarts = Counter(PREFIX + "extractor_restarts", "Extractor processes killed and replaced",
                                          registry=r)
        self.consumer_lag = Gauge(PREFIX + "consumer_lag", "Records behind the partition's end, per partition",
                                  ["topic", "partition"], registry=r)

    def forget_partition(self, topic: str, partition: int) -> None:
        """A partition that moved to another worker: its lag is theirs to report."""
        try:
            self.consumer_lag.remove(topic, str(partition))
        except KeyError:  # never reported yet
            pass


class ExtractorMemory:
    """The pages are parsed in the pool's processes (children of its forkserver), not in the main process that
    process_resident_memory_bytes measures: their memory, read at each scrape."""

    def collect(self):
        rss, count = 0, 0
        for child in psutil.Process().children(recursive=True):
            try:
                rss += child.memory_info().rss
                count += 1
            except psutil.Error:  # exited since it was listed: recycled or replaced
                pass
        yield GaugeMetricFamily(PREFIX + "extractor_resident_memory_bytes",
                                "Resident memory of the extractor processes and their forkserver, summed", value=rss)
        yield GaugeMetricFamily(PREFIX + "extractor_processes",
                                "Extractor processes and their forkserver, alive at the scrape", value=count)


class Health:
    """Liveness: the main loop went round recently. Readiness: extractors warm and a member of the group."""

    def __init__(self, liveness_timeout_s: float) -> None:
        self._timeout = liveness_timeout_s
        self._last_beat = time.monotonic()
        self.warm = False
        self.in_group = False

    def beat(self) -> None:
        self._last_beat = time.monotonic()

    @property
    def alive(self) -> bool:
        return time.monotonic() - self._last_beat < self._timeout

    @property
    def ready(self) -> bool:
        return self.warm and self.in_group and self.alive


@dataclass
class Counters:
    consumed: int = 0
    articles: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)

    @property
    def done(self) -> int:
        return self.articles + sum(self.dead_letters.values())


class LoopObserver:
    """What the Kafka loop reports as it goes: counters, metrics, health, dead-letter and summary log lines."""

    def __init__(self, metrics: Metrics, health: Health, summary_interval_s: float) -> None:
        self._metrics, self._health = metrics, health
        self._summary_interval_s = summary_interval_s
        self._next_gauges = 0.0
        self._next_summary = time.monotonic() + summary_interval_s
        self._restarts_seen = 0
        self._done_at_summary = 0
        self._errors = FirstOccurrences()
        self.counters = Counters()

    def consumed(self) -> None:
        self.counters.consumed += 1
        self._metrics.records_in.inc()

    def extracted(self, seconds: float) -> None:
        self._metrics.extraction_seconds.observe(seconds)

    def written(self, record: RawRecord, outgoing: OutgoingRecord) -> None:
        """A record is done: its output is written for good."""
        if record.timestamp_ms:
            self._metrics.end_to_end_seconds.observe(max(0.0, time.time() - record.timestamp_ms / 1000))
        if outgoing.kind is Kind.ARTICLE:
            self.counters.articles += 1
            self._metrics.articles_out.inc()
            return
        headers = {name: value.decode("utf-8", "replace") for name, value in outgoing.headers if name.startswith("dlq.")}
        log.warning("dead letter", extra={
            "reason": outgoing.reason, "stage": headers["dlq.stage"], "error": headers["dlq.error"],
            "detail": headers["dlq.message"][:200], "topic": record.origin.topic,
            "partition": record.origin.partition, "offset": record.origin.offset,
        })
        if (trace := headers.get("dlq.exception.stacktrace")) and self._errors.first(headers["dlq.error"], trace):
            log.error("new error: its first traceback", extra={
                "error": headers["dlq.error"], "stacktrace": trace, "topic": record.origin.topic,
                "partition": record.origin.partition, "offset": record.origin.offset})
        self.counters.dead_letters[outgoing.reason] = self.counters.dead_letters.get(outgoing.reason, 0) + 1
        self._metrics.dead_letters.labels(outgoing.reason).inc()

    def membership(self, in_group: bool, revoked=()) -> None:
        self._health.in_group = in_group
        for partition in revoked:  # moved to another worker: its lag is theirs to report
            self._metrics.forget_partition(partition.topic, partition.partition)

    def tick(self, held: int, restarts: int, lag: Callable[[], dict[TopicPartition, int]]) -> None:
        """Heartbeat for liveness; now and then, gauges and a summary line."""
        self._health.beat()
        now = time.monotonic()
        if now < self._next_gauges:
            return
        self._next_gauges = now + GAUGE_INTERVAL_S
        self._metrics.in_flight.set(held)
        self._metrics.extractor_restarts.inc(restarts - self._restarts_seen)
        self._restarts_seen = restarts
        behind = lag()
        for partition, records in behind.items():
            self._metrics.consumer_lag.labels(partition.topic, str(partition.partition)).set(records)
        if now >= self._next_summary:
            done = self.counters.done
            interval = self._summary_interval_s + now - self._next_summary
            log.info("summary", extra={
                "records_per_s": round((done - self._done_at_summary) / interval, 2), "lag": sum(behind.values()),
                "in_flight": held, "articles": self.counters.articles,
                "dead_letters": dict(self.counters.dead_letters),
            })
            self._next_summary, self._done_at_summary = now + self._summary_interval_s, done


def serve_http(port: int, metrics: Metrics, health: Health, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """/metrics (prometheus-client's own handler: content negotiation, OpenMetrics, gzip), /healthz (liveness)
    and /readyz (readiness) on a daemon thread."""

    class Handler(MetricsHandler):
        registry = metrics.registry

        def do_GET(self) -> None:  # noqa: N802 (http.server names it)
            path = urlsplit(self.path).path
            if path == METRICS_PATH:
                super().do_GET()
            elif path in (LIVENESS_PATH, READINESS_PATH):
                ok = health.alive if path == LIVENESS_PATH else health.ready
                self._reply(200 if ok else 503, b"ok\n" if ok else b"not ok\n")
            else:
                self._reply(404, b"not found\n")

        def _reply(self, status: int, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="telemetry-http", daemon=True).start()
    return server
