"""Settings: one frozen object, built once at start-up from flags and environment variables."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass, fields

from worker.model import Limits


@dataclass(frozen=True, slots=True)
class Settings:
    bootstrap_servers: str = "localhost:9092"
    input_topic: str = "pages.raw"
    output_topic: str = "articles"
    dlq_topic: str = "pages.dlq"
    group_id: str = "article-extractor"
    processes: int = 0  # 0: one extractor process per core
    max_in_flight: int = 0  # 0: four pages per extractor process
    extraction_timeout_s: float = 30.0
    recycle_after: int = 500
    max_page_bytes: int = 10 * 1024 * 1024
    max_elements: int = 50_000
    max_message_bytes: int = 16 * 1024 * 1024
    commit_interval_s: float = 1.0
    metrics_port: int = 9100
    liveness_timeout_s: float = 120.0
    summary_interval_s: float = 30.0
    log_level: str = "info"

    @property
    def extractor_processes(self) -> int:
        return self.processes or len(os.sched_getaffinity(0))  # the CPUs this process may run on

    @property
    def in_flight_limit(self) -> int:
        return self.max_in_flight or 4 * self.extractor_processes

    @property
    def limits(self) -> Limits:
        return Limits(max_page_bytes=self.max_page_bytes, max_elements=self.max_elements)


# flag, environment variable, help: the one table that --help, the README and parsing share.
OPTIONS = {
    "bootstrap_servers": ("KAFKA_BOOTSTRAP_SERVERS", "Kafka brokers, comma-separated host:port"),
    "input_topic": ("WORKER_INPUT_TOPIC", "topic of raw page envelopes"),
    "output_topic": ("WORKER_OUTPUT_TOPIC", "topic for articles"),
    "dlq_topic": ("WORKER_DLQ_TOPIC", "topic for dead letters"),
    "group_id": ("WORKER_GROUP_ID", "consumer group shared by all replicas"),
    "processes": ("WORKER_PROCESSES", "extractor processes (0: one per core)"),
    "max_in_flight": ("WORKER_MAX_IN_FLIGHT", "pages consumed but not yet acknowledged (0: 4 per process)"),
    "extraction_timeout_s": ("WORKER_EXTRACTION_TIMEOUT_S", "seconds before a page becomes an extraction_timeout"),
    "recycle_after": ("WORKER_RECYCLE_AFTER", "pages an extractor process handles before it is replaced"),
    "max_page_bytes": ("WORKER_MAX_PAGE_BYTES", "largest page accepted, as received and decompressed"),
    "max_elements": ("WORKER_MAX_ELEMENTS", "most HTML elements a page may have"),
    "max_message_bytes": ("WORKER_MAX_MESSAGE_BYTES", "largest article published; a larger one becomes a too_large dead letter"),
    "commit_interval_s": ("WORKER_COMMIT_INTERVAL_S", "seconds between offset commits"),
    "metrics_port": ("WORKER_METRICS_PORT", "port for /metrics, /healthz and /readyz (0: off)"),
    "liveness_timeout_s": ("WORKER_LIVENESS_TIMEOUT_S", "/healthz fails when the main loop has not turned for this long"),
    "summary_interval_s": ("WORKER_SUMMARY_INTERVAL_S", "seconds between summary log lines"),
    "log_level": ("WORKER_LOG_LEVEL", "debug, info, warning or error"),
}


def add_arguments(parser: argparse.ArgumentParser, environ: os._Environ | dict = os.environ) -> None:
    defaults = Settings()
    for field in fields(Settings):
        env, help_text = OPTIONS[field.name]
        default = getattr(defaults, field.name)
        parser.add_argument(
            "--" + field.name.replace("_", "-"),
            type=type(default),
            default=environ.get(env, default),  # argparse converts a string default with `type`
            help=f"{help_text} [env {env}, default {default}]",
        )


def from_arguments(arguments: argparse.Namespace) -> Settings:
    return Settings(**{field.name: getattr(arguments, field.name) for field in fields(Settings)})
