"""Pass-through Kafka client settings (`--consumer-config KEY=VALUE`, `--producer-config KEY=VALUE`).

Keys come in Kafka's dotted form (`session.timeout.ms`) or kafka-python's (`session_timeout_ms`), are checked
against kafka-python's own defaults, so that a typo fails at start-up, and their text is typed from the default's
type. Like Kafka Connect's `consumer.override.*`, they cover what has no setting of ours: `client.rack`, another
SASL mechanism's options, timeouts.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping

ENV_PREFIX = {"consumer": "WORKER_CONSUMER_", "producer": "WORKER_PRODUCER_"}  # + the name: WORKER_CONSUMER_CLIENT_RACK
# Covered by a setting of ours, which is the one place to give them.
OWN = {"bootstrap_servers": "--bootstrap-servers", "security_protocol": "--security-protocol",
       "sasl_mechanism": "--sasl-mechanism", "sasl_plain_username": "--sasl-username",
       "sasl_plain_password": "--sasl-password", "ssl_cafile": "--ssl-cafile", "ssl_certfile": "--ssl-certfile",
       "ssl_keyfile": "--ssl-keyfile", "ssl_password": "--ssl-password", "group_id": "--group-id",
       "transactional_id": "--transactional-id"}
# The delivery guarantees rest on these (README, "Delivery guarantees"); the records' bytes are ours to read.
FIXED = {"enable_auto_commit", "isolation_level", "acks", "enable_idempotence", "key_deserializer",
         "value_deserializer", "key_serializer", "value_serializer"}
SECRET = re.compile(r"password|secret|token", re.IGNORECASE)
WORDS = {"acks": {"all"}}  # a number setting that also takes a word
TRUE, FALSE = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}

Pairs = tuple[tuple[str, object], ...]


def key_value(text: str) -> tuple[str, str]:
    """One KEY=VALUE from the command line."""
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise ValueError(f"expected KEY=VALUE, not {text!r}")
    return key.strip(), value


def from_environment(client: str, environ: Mapping[str, str]) -> list[tuple[str, str]]:
    """WORKER_CONSUMER_SESSION_TIMEOUT_MS=45000 -> ("session_timeout_ms", "45000")."""
    prefix = ENV_PREFIX[client]
    return [(name[len(prefix):].lower(), value) for name, value in sorted(environ.items()) if name.startswith(prefix)]


@functools.cache
def known(client: str) -> dict:
    """kafka-python's defaults for the client ("consumer", "producer", "admin"). Imported when first asked for:
    `worker extract` builds settings too, and kafka costs it a fifth of a second of start-up."""
    import kafka

    return {"consumer": kafka.KafkaConsumer, "producer": kafka.KafkaProducer,
            "admin": kafka.KafkaAdminClient}[client].DEFAULT_CONFIG


def normalize(client: str, items: Iterable[tuple[str, object]]) -> Pairs:
    """Checked, typed pairs with kafka-python's names, the last of a repeated key winning. Raises ValueError."""
    settings: dict[str, object] = {}
    for key, value in items:
        known_settings = known(client)  # in the loop: no pairs, no kafka import
        name = key.replace(".", "_").replace("-", "_").lower()
        flag = f"--{client}-config {key}"
        if name not in known_settings:
            close = difflib.get_close_matches(name, known_settings, n=1)
            hint = f" (did you mean {_spelled_like(key, close[0])}?)" if close else ""
            raise ValueError(f"{flag}: kafka-python's {client} has no setting {key!r}{hint}")
        if name in OWN:
            raise ValueError(f"{flag}: set it with {OWN[name]}")
        if name in FIXED:
            raise ValueError(f"{flag}: the worker sets {name} itself, for its delivery guarantees")
        settings[name] = _typed(flag, name, known_settings[name], value)
    return tuple(settings.items())


def for_admin(consumer: Pairs) -> dict:
    """The consumer's pass-through settings that an admin client also knows (timeouts, SASL and SSL options)."""
    return {name: value for name, value in consumer if name in known("admin")}


def redacted(pairs: Pairs) -> dict:
    return {name: "***" if SECRET.search(name) else value for name, value in pairs}


def _typed(flag: str, name: str, default: object, value: object) -> object:
    """A TOML value is typed already; text takes the type of kafka-python's default."""
    if not isinstance(value, str):
        return value
    if name == "api_version":  # the broker version to assume: "3.7" -> (3, 7)
        if re.fullmatch(r"\d+(\.\d+)*", value):
            return tuple(int(part) for part in value.split("."))
        raise ValueError(f"{flag}: expected a version such as 3.7, not {value!r}")
    if isinstance(default, bool):
        if value.lower() in TRUE | FALSE:
            return value.lower() in TRUE
        raise ValueError(f"{flag}: expected true or false, not {value!r}")
    if isinstance(default, int | float) or (default is None and value.isdigit()):
        if value in WORDS.get(name, ()):
            return value
        try:
            return int(value) if isinstance(default, int) or default is None else float(value)
        except ValueError:
            raise ValueError(f"{flag}: expected a number, not {value!r}") from None
    if default is None or isinstance(default, str):
        return value
    raise ValueError(f"{flag}: {name} takes a Python object, which text cannot give")


def _spelled_like(key: str, name: str) -> str:
    return name.replace("_", ".") if "." in key else name
