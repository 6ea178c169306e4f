"""Settings: one frozen object, built once at start-up from flags, environment variables and a config file.

Precedence: a flag, then its environment variable, then the TOML file named by --config (WORKER_CONFIG),
then the default. Keys in the file are the setting names below, e.g. `sasl_password = "..."`.
"""

from __future__ import annotations

import argparse
import os
import socket
import tomllib
import uuid
from dataclasses import asdict, dataclass, fields

from worker import client_config
from worker.core.model import Limits, PageType
from worker.cores import available_cores

DEFAULT_LIMITS = Limits()
PROCESS_TOKEN = uuid.uuid4().hex[:8]  # tells apart processes of one host that had the same pid (containers)


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
    max_page_bytes: int = DEFAULT_LIMITS.max_page_bytes
    max_elements: int = DEFAULT_LIMITS.max_elements
    page_types: str = PageType.ARTICLE.value  # comma-separated: the page types published as articles
    max_message_bytes: int = 16 * 1024 * 1024
    commit_interval_s: float = 1.0
    metrics_port: int = 9100
    liveness_timeout_s: float = 120.0
    summary_interval_s: float = 30.0
    log_level: str = "info"
    guarantee: str = "at-least-once"
    transactional_id: str = ""
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = ""
    sasl_username: str = ""
    sasl_password: str = ""
    ssl_cafile: str = ""
    ssl_certfile: str = ""
    ssl_keyfile: str = ""
    ssl_password: str = ""
    # Any other kafka-python setting, as (name, value) pairs (worker/client_config.py): normalized in __post_init__
    consumer_config: tuple = ()
    producer_config: tuple = ()

    @property
    def extractor_processes(self) -> int:
        return self.processes or available_cores()  # the CPUs this process may use, cgroup quota included

    @property
    def in_flight_limit(self) -> int:
        return self.max_in_flight or 4 * self.extractor_processes

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ValueError(f"{_flag(name)} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        for name in POSITIVE:
            if getattr(self, name) <= 0:
                raise ValueError(f"{_flag(name)} must be positive, not {getattr(self, name)!r}")
        for name in NON_NEGATIVE:
            if getattr(self, name) < 0:
                raise ValueError(f"{_flag(name)} must be 0 or more, not {getattr(self, name)!r}")
        unknown = set(self._page_type_names) - set(PageType)
        if unknown or not self._page_type_names:
            raise ValueError(f"--page-types takes a comma-separated list of {', '.join(PageType)}, not {self.page_types!r}")
        for name, client in CLIENT_CONFIGS.items():
            object.__setattr__(self, name, client_config.normalize(client, getattr(self, name)))

    @property
    def _page_type_names(self) -> list[str]:
        return [name.strip() for name in self.page_types.split(",") if name.strip()]

    @property
    def published_types(self) -> frozenset[PageType]:
        return frozenset(map(PageType, self._page_type_names))

    @property
    def exactly_once(self) -> bool:
        return self.guarantee == "exactly-once"

    @property
    def effective_transactional_id(self) -> str:
        # Unique per process: under KIP-447 the group's generation fences a zombie, not the transactional id
        return self.transactional_id or f"{self.group_id}-{socket.gethostname()}-{os.getpid()}-{PROCESS_TOKEN}"

    @property
    def kafka_options(self) -> dict:
        """Connection options shared by every Kafka client the worker and its tools create."""
        options = {"bootstrap_servers": self.bootstrap_servers, "security_protocol": self.security_protocol}
        if self.sasl_mechanism:
            options |= {"sasl_mechanism": self.sasl_mechanism, "sasl_plain_username": self.sasl_username,
                        "sasl_plain_password": self.sasl_password}
        for name in ("ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_password"):
            if getattr(self, name):
                options[name] = getattr(self, name)
        return options

    def consumer_options(self, **ours) -> dict:
        """Options of a consumer: the connection, what the caller needs, then --consumer-config."""
        return self.kafka_options | ours | dict(self.consumer_config)

    def producer_options(self, **ours) -> dict:
        return self.kafka_options | ours | dict(self.producer_config)

    @property
    def admin_options(self) -> dict:
        return self.kafka_options | client_config.for_admin(self.consumer_config)

    def redacted(self) -> dict:
        """The settings as they may be logged: secrets replaced."""
        settings = {name: "***" if name in SECRETS and value else value for name, value in asdict(self).items()}
        return settings | {name: client_config.redacted(getattr(self, name)) for name in CLIENT_CONFIGS}

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
    "max_in_flight": ("WORKER_MAX_IN_FLIGHT",
                      "pages being extracted at once (0: 4 per process); 4× as many held, acks pending included"),
    "extraction_timeout_s": ("WORKER_EXTRACTION_TIMEOUT_S", "seconds before a page becomes an extraction_timeout"),
    "recycle_after": ("WORKER_RECYCLE_AFTER", "pages an extractor process handles before it is replaced"),
    "max_page_bytes": ("WORKER_MAX_PAGE_BYTES", "largest page accepted, as received and decompressed"),
    "max_elements": ("WORKER_MAX_ELEMENTS", "most HTML elements a page may have"),
    "page_types": ("WORKER_PAGE_TYPES", f"page types published, comma-separated, of {', '.join(PageType)}; "
                                        "others become not_article dead letters"),
    "max_message_bytes": ("WORKER_MAX_MESSAGE_BYTES", "largest article published; a larger one becomes a too_large dead letter"),
    "commit_interval_s": ("WORKER_COMMIT_INTERVAL_S", "seconds between offset commits"),
    "metrics_port": ("WORKER_METRICS_PORT", "port for /metrics, /healthz and /readyz (0: off)"),
    "liveness_timeout_s": ("WORKER_LIVENESS_TIMEOUT_S", "/healthz fails when the main loop has not turned for this long"),
    "summary_interval_s": ("WORKER_SUMMARY_INTERVAL_S", "seconds between summary log lines"),
    "log_level": ("WORKER_LOG_LEVEL", "debug, info, warning or error"),
    "guarantee": ("WORKER_GUARANTEE", "at-least-once, or exactly-once (Kafka transactions)"),
    "transactional_id": ("WORKER_TRANSACTIONAL_ID",
                         "exactly-once producer id (empty: unique per process, <group-id>-<hostname>-<pid>-<random>)"),
    "security_protocol": ("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
    "sasl_mechanism": ("KAFKA_SASL_MECHANISM", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (empty: no SASL)"),
    "sasl_username": ("KAFKA_SASL_USERNAME", "SASL user"),
    "sasl_password": ("KAFKA_SASL_PASSWORD", "SASL password (never logged)"),
    "ssl_cafile": ("KAFKA_SSL_CAFILE", "CA bundle to verify the brokers"),
    "ssl_certfile": ("KAFKA_SSL_CERTFILE", "client certificate, for mutual TLS"),
    "ssl_keyfile": ("KAFKA_SSL_KEYFILE", "client private key, for mutual TLS"),
    "ssl_password": ("KAFKA_SSL_PASSWORD", "password of an encrypted --ssl-keyfile (never logged)"),
    "consumer_config": ("WORKER_CONSUMER_<NAME>",
                        "any other consumer setting, KEY=VALUE, repeatable (session.timeout.ms=45000)"),
    "producer_config": ("WORKER_PRODUCER_<NAME>", "any other producer setting, KEY=VALUE, repeatable"),
}
CLIENT_CONFIGS = {"consumer_config": "consumer", "producer_config": "producer"}
SECRETS = {"sasl_password", "ssl_password"}
# The producers' own cap; articles are held to --max-message-bytes before they are sent, and a dead letter
# (the input record as it came, plus headers) must never be refused by us: the broker's limit decides.
MAX_REQUEST_BYTES = 64 * 1024 * 1024
GUARANTEES = ("at-least-once", "exactly-once")
CHOICES = {
    "guarantee": GUARANTEES,
    "log_level": ("debug", "info", "warning", "error"),
    "security_protocol": ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"),
    "sasl_mechanism": ("", "PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"),
}
POSITIVE = ("extraction_timeout_s", "recycle_after", "max_page_bytes", "max_elements", "max_message_bytes",
            "liveness_timeout_s", "summary_interval_s")
NON_NEGATIVE = ("processes", "max_in_flight", "commit_interval_s", "metrics_port")  # 0: automatic, or off
# What each kind of command needs; `run` takes every setting.
CONNECTION = ("bootstrap_servers", "security_protocol", "sasl_mechanism", "sasl_username", "sasl_password",
              "ssl_cafile", "ssl_certfile", "ssl_keyfile", "ssl_password", "log_level", "consumer_config",
              "producer_config")
TOPICS = ("input_topic", "output_topic", "dlq_topic")
CONFIG_ENV = "WORKER_CONFIG"


def add_arguments(parser: argparse.ArgumentParser, environ: os._Environ | dict = os.environ,
                  argv: list[str] | None = None, names: tuple[str, ...] | None = None) -> None:
    """One flag per setting (of `names`, or all); its default is the environment variable, else the config
    file, else ours."""
    config_path = _config_path(argv, environ)
    config = _read_config(config_path) if config_path else {}
    parser.add_argument("--config", default=config_path, metavar="FILE",
                        help=f"TOML file of settings, by name [env {CONFIG_ENV}]")
    defaults = Settings()
    for field in fields(Settings):
        if names is not None and field.name not in names:
            continue
        env, help_text = OPTIONS[field.name]
        if field.name in CLIENT_CONFIGS:
            _add_client_config(parser, field.name, config, environ)
            continue
        default = getattr(defaults, field.name)
        parser.add_argument(
            _flag(field.name),
            type=type(default),
            choices=CHOICES.get(field.name),
            default=environ.get(env, config.get(field.name, default)),  # argparse converts a string with `type`
            help=f"{help_text} [env {env}, default {'***' if field.name in SECRETS else default!r}]",
        )


def _add_client_config(parser: argparse.ArgumentParser, name: str, config: dict, environ) -> None:
    """Repeatable KEY=VALUE; the file's table, then the environment's WORKER_CONSUMER_* variables, then the flags
    (argparse appends them to the default), the last of a key winning."""
    client = CLIENT_CONFIGS[name]
    table = config.get(name, {})
    if not isinstance(table, dict):
        raise SystemExit(f"{name} in the config file must be a table ([{name}]), not {table!r}")
    parser.add_argument(
        _flag(name), action="append", metavar="KEY=VALUE", type=_key_value,
        default=[*table.items(), *client_config.from_environment(client, environ)],
        help=f"{OPTIONS[name][1]} [env {OPTIONS[name][0]}, file table [{name}]]",
    )


def _key_value(text: str) -> tuple[str, str]:
    try:
        return client_config.key_value(text)
    except ValueError as err:
        raise argparse.ArgumentTypeError(str(err)) from None


def _flag(name: str) -> str:
    return "--" + name.replace("_", "-")


def _config_path(argv: list[str] | None, environ) -> str | None:
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--config")
    known, _ = pre.parse_known_args(argv)
    return known.config or environ.get(CONFIG_ENV)


def _read_config(path: str) -> dict:
    try:
        with open(path, "rb") as file:
            config = tomllib.load(file)
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise SystemExit(f"cannot read config file {path}: {err}") from err
    unknown = set(config) - set(OPTIONS)
    if unknown:
        raise SystemExit(f"unknown settings in {path}: {', '.join(sorted(unknown))}")
    return config


def from_arguments(arguments: argparse.Namespace) -> Settings:
    """The settings a command was given; those it does not take keep their defaults. Raises ValueError."""
    return Settings(**{field.name: getattr(arguments, field.name) for field in fields(Settings)
                       if hasattr(arguments, field.name)})
