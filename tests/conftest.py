"""Shared fixtures. Integration tests run against a real Kafka broker: the one named by
KAFKA_BOOTSTRAP_SERVERS, or one this suite starts on a free port with kafka/broker.sh."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalBroker:
    """The suite's own broker (kafka/broker.sh), which fault tests may stop and start again."""

    def __init__(self, state_dir: Path):
        self.port, self.sasl_port = _free_port(), _free_port()
        self.env = {**os.environ, "KAFKA_PORT": str(self.port), "KAFKA_STATE_DIR": str(state_dir),
                    "KAFKA_SASL_PORT": str(self.sasl_port), "PYTHON": sys.executable}
        self.bootstrap = f"127.0.0.1:{self.port}"
        self.sasl_bootstrap = f"127.0.0.1:{self.sasl_port}"  # SCRAM-SHA-256, user worker / worker-secret

    def up(self) -> None:
        subprocess.run([ROOT / "kafka" / "broker.sh", "up"], env=self.env, check=True)

    def down(self) -> None:
        subprocess.run([ROOT / "kafka" / "broker.sh", "down"], env=self.env, check=False)


@pytest.fixture(scope="session")
def broker(tmp_path_factory) -> LocalBroker | None:
    """None when KAFKA_BOOTSTRAP_SERVERS names a broker this suite does not control."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield None
        return
    local = LocalBroker(tmp_path_factory.mktemp("kafka"))
    local.up()
    try:
        yield local
    finally:
        local.down()


@pytest.fixture(scope="session")
def bootstrap(broker) -> str:
    return broker.bootstrap if broker else os.environ["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.fixture
def topics(bootstrap):
    """Fresh topic names and group for one test: input (4 partitions), output, dlq."""
    from kafka import KafkaAdminClient
    from kafka.admin import NewTopic

    suffix = uuid.uuid4().hex[:8]
    names = {"input": f"in-{suffix}", "output": f"out-{suffix}", "dlq": f"dlq-{suffix}", "group": f"g-{suffix}"}
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.create_topics([NewTopic(names["input"], 4, 1), NewTopic(names["output"], 2, 1), NewTopic(names["dlq"], 1, 1)])
    admin.close()
    return names


class WorkerProcess:
    """`python -m worker run` as a child process, the way an operator starts it."""

    def __init__(self, bootstrap: str, topics: dict, *extra: str, log_path: Path):
        self.log_path = log_path
        self._log = open(log_path, "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "worker", "run", "--bootstrap-servers", bootstrap,
             "--input-topic", topics["input"], "--output-topic", topics["output"], "--dlq-topic", topics["dlq"],
             "--group-id", topics["group"], "--commit-interval-s", "0.2", "--metrics-port", "0", *extra],
            cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT,
        )

    def stop(self, sig: int, timeout: float = 60) -> int:
        self.process.send_signal(sig)
        code = self.process.wait(timeout=timeout)
        self._log.close()
        return code

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_worker(bootstrap, topics, tmp_path):
    started: list[WorkerProcess] = []

    def start(*extra: str) -> WorkerProcess:
        worker = WorkerProcess(bootstrap, topics, *extra, log_path=tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()


def wait_until(condition, timeout: float, interval: float = 0.2, message: str = "condition"):
    """Poll `condition` until it returns something truthy; fail the test after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


@pytest.fixture
def shared_datasets() -> Path:
    path = SHARED / "datasets" / "scrapinghub"
    if not (path / "ground-truth.json").exists():
        pytest.skip("shared datasets not available")
    return path
