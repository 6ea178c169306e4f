"""What the worker tells its operators: Prometheus metrics and the health of the loop, served over HTTP."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
END_TO_END_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600)


class Metrics:
    """Every metric the worker exports, in a registry of its own (no global state)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.records_in = Counter("worker_records_in", "Input records consumed", registry=r)
        self.articles_out = Counter("worker_articles_out", "Articles acknowledged by the broker", registry=r)
        self.dead_letters = Counter("worker_dead_letters", "Dead letters acknowledged by the broker", ["reason"],
                                    registry=r)
        self.extraction_seconds = Histogram("worker_extraction_seconds", "Time to extract one page in a pool process",
                                            buckets=LATENCY_BUCKETS, registry=r)
        self.end_to_end_seconds = Histogram("worker_end_to_end_seconds",
                                            "From the input record's timestamp to its output's acknowledgement",
                                            buckets=END_TO_END_BUCKETS, registry=r)
        self.in_flight = Gauge("worker_in_flight", "Records consumed and not yet acknowledged", registry=r)
        self.extractor_restarts = Counter("worker_extractor_restarts", "Extractor processes killed and replaced",
                                          registry=r)
        self.consumer_lag = Gauge("worker_consumer_lag", "Records behind the partition's end, per partition",
                                  ["topic", "partition"], registry=r)

    def forget_partition(self, topic: str, partition: int) -> None:
        """A partition that moved to another worker: its lag is theirs to report."""
        try:
            self.consumer_lag.remove(topic, str(partition))
        except KeyError:  # never reported yet
            pass


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


def serve_http(port: int, metrics: Metrics, health: Health, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    """/metrics, /healthz (liveness) and /readyz (readiness) on a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            if self.path == "/metrics":
                self._reply(200, generate_latest(metrics.registry), CONTENT_TYPE_LATEST)
            elif self.path in ("/healthz", "/readyz"):
                ok = health.alive if self.path == "/healthz" else health.ready
                self._reply(200 if ok else 503, b"ok\n" if ok else b"not ok\n", "text/plain")
            else:
                self._reply(404, b"not found\n", "text/plain")

        def _reply(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:  # scrapes every few seconds are not news
            pass

    server = ThreadingHTTPServer((host, port), Handler)
    threading.Thread(target=server.serve_forever, name="telemetry-http", daemon=True).start()
    return server
