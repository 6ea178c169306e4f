"""SASL/SCRAM against the suite's own broker, which listens with SCRAM-SHA-256 on a second port."""

from __future__ import annotations

import os
import signal

import pytest

from harness.wait import wait_until
from harness.workers import WorkerProcess
from tests.kafka_helpers import good_records, outcomes, produce

pytestmark = pytest.mark.integration


def test_the_worker_runs_against_a_scram_listener_and_never_logs_the_password(broker, topics, tmp_path):
    if broker is None:
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS names a broker without the suite's SCRAM listener")
    coordinates = produce(broker.bootstrap, topics["input"], good_records(3))
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
           "KAFKA_SASL_USERNAME": "worker", "KAFKA_SASL_PASSWORD": "worker-secret"}
    worker = WorkerProcess(broker.sasl_bootstrap, topics, "--processes", "1", "--log-level", "debug",
                           log_path=log_path, env=env)
    try:
        found = wait_until(lambda: (f := outcomes(broker.bootstrap, topics)) and set(coordinates) <= set(f) and f,
                           timeout=120, message="articles through the SCRAM listener")
        assert worker.stop(signal.SIGTERM) == 0
    finally:
        worker.kill()
    assert all(kind == "article" for results in found.values() for kind, _ in results)
    logs = log_path.read_text()
    assert '"sasl_password":"***"' in logs and "worker-secret" not in logs
