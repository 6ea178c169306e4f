"""SASL/SCRAM against the suite's own broker, which listens with SCRAM-SHA-256 on a second port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import ROOT, wait_until
from tests.kafka_helpers import good_records, outcomes, produce

pytestmark = pytest.mark.integration


def test_the_worker_runs_against_a_scram_listener_and_never_logs_the_password(broker, topics, tmp_path):
    if broker is None:
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS names a broker without the suite's SCRAM listener")
    coordinates = produce(broker.bootstrap, topics["input"], good_records(3))
    log_path = tmp_path / "worker.log"
    env = {**os.environ, "KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", "KAFKA_SASL_MECHANISM": "SCRAM-SHA-256",
           "KAFKA_SASL_USERNAME": "worker", "KAFKA_SASL_PASSWORD": "worker-secret"}
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "worker", "run", "--bootstrap-servers", broker.sasl_bootstrap,
             "--input-topic", topics["input"], "--output-topic", topics["output"], "--dlq-topic", topics["dlq"],
             "--group-id", topics["group"], "--processes", "1", "--metrics-port", "0", "--log-level", "debug"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            found = wait_until(lambda: (f := outcomes(broker.bootstrap, topics)) and set(coordinates) <= set(f) and f,
                               timeout=120, message="articles through the SCRAM listener")
            worker.send_signal(signal.SIGTERM)
            assert worker.wait(timeout=60) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
    assert all(kind == "article" for results in found.values() for kind, _ in results)
    logs = log_path.read_text()
    assert '"sasl_password":"***"' in logs and "worker-secret" not in logs
