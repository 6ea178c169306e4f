"""A Kafka broker to run against, fresh topics on it, producers, and what its group coordinator says."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from harness import ROOT, free_port
from harness.tls import KEYSTORE_PASSWORD, TlsMaterial

BROKER_SH = ROOT / "kafka" / "broker.sh"
BROKER_UP_TIMEOUT_S = 600  # broker.sh waits 90 s for readiness itself; the first run also fetches the jars
BROKER_DOWN_TIMEOUT_S = 60  # broker.sh gives the broker 30 s, then kills it
INPUT_PARTITIONS = 4
MAX_RECORD_BYTES = 16 * 1024 * 1024  # the broker's message.max.bytes (kafka/broker.sh)
FLUSH_TIMEOUT_S = 120  # a flush waits for at most the producer's buffer (32 MB) to be acknowledged


class LocalBroker:
    """A broker of our own (kafka/broker.sh) on free ports, state in `state_dir`, which may be stopped and
    started again. As a context manager: up on entry, down on exit (also when it failed to come up)."""

    def __init__(self, state_dir: Path, sasl: bool = False, tls: TlsMaterial | None = None,
                 stdout: IO | None = None) -> None:
        self.port = free_port()
        self.env = {**os.environ, "KAFKA_PORT": str(self.port), "KAFKA_STATE_DIR": str(state_dir),
                    "PYTHON": sys.executable}
        self.bootstrap = f"127.0.0.1:{self.port}"
        if sasl:  # a second listener: SCRAM-SHA-256, user worker / worker-secret
            self.sasl_port = free_port()
            self.env["KAFKA_SASL_PORT"] = str(self.sasl_port)
            self.sasl_bootstrap = f"127.0.0.1:{self.sasl_port}"
        self.tls = tls
        self.tls_unavailable: str | None = None  # why there are no TLS listeners, when the caller knows
        if tls:  # three more: SSL, SASL_SSL (the same SCRAM user) and SSL requiring a client certificate
            self.ssl_bootstrap, self.sasl_ssl_bootstrap, self.mtls_bootstrap = (
                self._listener(name) for name in ("KAFKA_SSL_PORT", "KAFKA_SASL_SSL_PORT", "KAFKA_MTLS_PORT"))
            self.env |= {"KAFKA_SSL_KEYSTORE": str(tls.keystore), "KAFKA_SSL_PASSWORD": KEYSTORE_PASSWORD,
                         "KAFKA_SSL_TRUSTSTORE": str(tls.ca)}
        self._stdout = stdout
        self._pid_file = state_dir / "broker.pid"  # written by broker.sh up

    def _listener(self, variable: str) -> str:
        self.env[variable] = str(free_port())
        return f"127.0.0.1:{self.env[variable]}"

    def up(self) -> None:
        subprocess.run([BROKER_SH, "up"], env=self.env, check=True, stdout=self._stdout, timeout=BROKER_UP_TIMEOUT_S)

    def down(self) -> None:
        subprocess.run([BROKER_SH, "down"], env=self.env, check=False, stdout=self._stdout,
                       timeout=BROKER_DOWN_TIMEOUT_S)

    @property
    def pid(self) -> int:
        return int(self._pid_file.read_text())

    def signal(self, sig: int) -> None:
        """SIGSTOP freezes the broker (it holds its connections, answers nothing), SIGCONT thaws it."""
        os.kill(self.pid, sig)

    def kill(self) -> None:
        """kill -9, no clean shutdown; returns once the process is gone. `up()` starts it again on its state."""
        from harness.wait import wait_until

        pid = self.pid
        os.kill(pid, signal.SIGKILL)
        wait_until(lambda: not _exists(pid), timeout=BROKER_DOWN_TIMEOUT_S, message=f"broker {pid} to die")
        # If no one reaps it (a container whose init does not), broker.sh would take the zombie for a live broker
        self._pid_file.unlink()

    def __enter__(self) -> LocalBroker:
        try:
            self.up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.down()


def _exists(pid: int) -> bool:
    """Still a process, and not a zombie (the broker is not our child, and may never be reaped)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] != b"Z"
    except OSError:
        return False


@contextmanager
def kafka_broker(stdout: IO | None = None) -> Iterator[str]:
    """The bootstrap servers of KAFKA_BOOTSTRAP_SERVERS, or of a broker of our own for the duration, its
    state in a temporary directory."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield os.environ["KAFKA_BOOTSTRAP_SERVERS"]
        return
    with tempfile.TemporaryDirectory(prefix="bench-kafka-") as state, LocalBroker(Path(state), stdout=stdout) as broker:
        yield broker.bootstrap


def fresh_topics(bootstrap: str, prefix: str = "", output_partitions: int = 2) -> dict[str, str]:
    """New topic names and a group for one run: input (INPUT_PARTITIONS partitions), output, dlq (1)."""
    return create_topics(bootstrap, topic_names(prefix), output_partitions)


def topic_names(prefix: str = "") -> dict[str, str]:
    suffix = uuid.uuid4().hex[:8]
    return {"input": f"{prefix}in-{suffix}", "output": f"{prefix}out-{suffix}", "dlq": f"{prefix}dlq-{suffix}",
            "group": f"{prefix}g-{suffix}"}


def create_topics(bootstrap: str, names: dict[str, str], output_partitions: int = 2) -> dict[str, str]:
    from kafka.admin import KafkaAdminClient, NewTopic

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.create_topics([NewTopic(names["input"], INPUT_PARTITIONS, 1),
                             NewTopic(names["output"], output_partitions, 1), NewTopic(names["dlq"], 1, 1)])
    finally:
        admin.close()
    _wait_for_partitions(bootstrap, {names["input"]: INPUT_PARTITIONS, names["output"]: output_partitions,
                                     names["dlq"]: 1})
    return names


def _wait_for_partitions(bootstrap: str, expected: dict[str, int]) -> None:
    """Until the broker's metadata shows every partition: a consumer group joined before that is assigned
    nothing, and stays so until the next metadata refresh."""
    from kafka import KafkaConsumer

    from harness.wait import wait_until

    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    try:
        wait_until(lambda: all(len(consumer.partitions_for_topic(topic) or ()) == count
                               for topic, count in expected.items()),
                   timeout=60, message="the new topics' partitions in the broker's metadata")
    finally:
        consumer.close()


def drop_topics(bootstrap: str, topics: dict[str, str]) -> None:
    from kafka.admin import KafkaAdminClient

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        admin.delete_topics([topics["input"], topics["output"], topics["dlq"]])
    finally:
        admin.close()


@contextmanager
def producer(bootstrap: str, **config) -> Iterator:
    """A KafkaProducer with acks=all and room for the largest record the broker takes; `config` adds to or
    overrides that. Closed on exit. Flush with `flush(timeout=FLUSH_TIMEOUT_S)`."""
    from kafka.producer import KafkaProducer

    settings = {"acks": "all", "max_request_size": MAX_RECORD_BYTES, **config}
    client = KafkaProducer(bootstrap_servers=bootstrap, **settings)
    try:
        yield client
    finally:
        client.close(timeout=FLUSH_TIMEOUT_S)


def group_assignments(bootstrap: str, group: str) -> list[list[int]]:
    """The partitions of each member of `group` that has an assignment, as the group coordinator sees them;
    [] while the group or its coordinator does not exist yet."""
    from kafka.admin import KafkaAdminClient
    from kafka.errors import KafkaError

    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    try:
        found = admin.describe_groups([group])[group]
    except KafkaError:  # e.g. the group's coordinator is still being elected
        return []
    finally:
        admin.close()
    return [sorted(p for a in m["member_assignment"]["assigned_partitions"] for p in a["partitions"])
            for m in found["members"] if m["member_assignment"]]
