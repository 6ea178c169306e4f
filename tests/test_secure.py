"""Secured listeners of the suite's own broker: SASL_PLAINTEXT with SCRAM-SHA-256, and with the throwaway TLS
material of harness/tls.py, SSL, SASL_SSL and SSL requiring a client certificate (mutual TLS)."""

from __future__ import annotations

import os
import signal
import subprocess

import pytest

from harness import free_port
from harness.tls import CLIENT_KEY_PASSWORD, TlsUnavailable, generate
from harness.wait import wait_until
from harness.workers import WorkerProcess
from tests.kafka_helpers import good_records, outcomes, produce
from worker.stream import handshake

pytestmark = pytest.mark.integration

SASL_PASSWORD = "worker-secret"  # kafka/broker.sh's SCRAM user
SCRAM = {"KAFKA_SASL_MECHANISM": "SCRAM-SHA-256", "KAFKA_SASL_USERNAME": "worker",
         "KAFKA_SASL_PASSWORD": SASL_PASSWORD}
REFUSAL_TIMEOUT_S = 90  # the pool's warm-up, then one handshake per bootstrap server


def client_certificate(tls) -> dict[str, str]:
    return {"KAFKA_SSL_CERTFILE": str(tls.client_cert), "KAFKA_SSL_KEYFILE": str(tls.client_key),
            "KAFKA_SSL_PASSWORD": CLIENT_KEY_PASSWORD}


def listener(broker, name: str) -> tuple[str, dict[str, str]]:
    """The bootstrap servers of one secured listener and the environment a worker needs for it."""
    if name == "sasl_plaintext":
        return broker.sasl_bootstrap, {"KAFKA_SECURITY_PROTOCOL": "SASL_PLAINTEXT", **SCRAM}
    if broker.tls is None:
        pytest.skip(broker.tls_unavailable)
    ca = {"KAFKA_SSL_CAFILE": str(broker.tls.ca)}
    return {
        "ssl": (broker.ssl_bootstrap, {"KAFKA_SECURITY_PROTOCOL": "SSL", **ca}),
        "sasl_ssl": (broker.sasl_ssl_bootstrap, {"KAFKA_SECURITY_PROTOCOL": "SASL_SSL", **ca, **SCRAM}),
        "mtls": (broker.mtls_bootstrap, {"KAFKA_SECURITY_PROTOCOL": "SSL", **ca, **client_certificate(broker.tls)}),
    }[name]


def assert_no_secrets(logs: str, security: dict[str, str]) -> None:
    secrets = [value for variable, value in security.items() if variable.endswith("_PASSWORD")]
    assert not [secret for secret in secrets if secret in logs]


@pytest.mark.parametrize("name", ["sasl_plaintext", "ssl", "sasl_ssl", "mtls"])
def test_the_worker_runs_through_a_secured_listener_and_never_logs_a_secret(broker, topics, tmp_path, name):
    if broker is None:
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS names a broker without the suite's secured listeners")
    bootstrap, security = listener(broker, name)
    coordinates = produce(broker.bootstrap, topics["input"], good_records(3))
    log_path = tmp_path / "worker.log"
    worker = WorkerProcess(bootstrap, topics, "--processes", "1", "--log-level", "debug", log_path=log_path,
                           env={**os.environ, **security})
    try:
        found = wait_until(lambda: (f := outcomes(broker.bootstrap, topics)) and set(coordinates) <= set(f) and f,
                           timeout=120, message=f"articles through the {name} listener")
        assert worker.stop(signal.SIGTERM) == 0
    finally:
        worker.kill()
    assert all(kind == "article" for results in found.values() for kind, _ in results)
    logs = log_path.read_text()
    assert_no_secrets(logs, security)
    for secret in ("sasl_password", "ssl_password"):
        if f"KAFKA_{secret.upper()}" in security:
            assert f'"{secret}":"***"' in logs


def refusal(bootstrap: str, topics, tmp_path, security: dict[str, str]) -> str:
    """The logs of a worker that must exit 1, in bounded time, with one error line and no traceback."""
    log_path = tmp_path / "worker.log"
    worker = WorkerProcess(bootstrap, topics, "--processes", "1", log_path=log_path, env={**os.environ, **security})
    try:
        assert worker.process.wait(timeout=REFUSAL_TIMEOUT_S) == 1
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker still retries after {REFUSAL_TIMEOUT_S} s:\n{worker.logs()[-3000:]}")
    finally:
        worker.kill()
    logs = worker.logs()
    errors = [line for line in logs.splitlines() if '"level":"error"' in line]
    assert len(errors) == 1, logs
    assert "Traceback" not in logs
    assert_no_secrets(logs, security)
    return errors[0]


def test_a_broker_certificate_signed_by_another_ca_stops_the_worker_with_one_line(tls_broker, topics, tmp_path):
    error = refusal(tls_broker.ssl_bootstrap, topics, tmp_path,
                    {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": str(tls_broker.tls.other_ca),
                     **client_certificate(tls_broker.tls)})
    assert "did not verify against --ssl-cafile" in error and tls_broker.ssl_bootstrap in error


def test_a_broker_requiring_a_client_certificate_refuses_a_worker_without_one(tls_broker, topics, tmp_path):
    error = refusal(tls_broker.mtls_bootstrap, topics, tmp_path,
                    {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": str(tls_broker.tls.ca)})
    assert "refused the TLS connection" in error and "--ssl-certfile" in error


def test_a_wrong_key_password_stops_the_worker_with_one_line(tls_broker, topics, tmp_path):
    error = refusal(tls_broker.mtls_bootstrap, topics, tmp_path,
                    {"KAFKA_SECURITY_PROTOCOL": "SSL", "KAFKA_SSL_CAFILE": str(tls_broker.tls.ca),
                     **client_certificate(tls_broker.tls), "KAFKA_SSL_PASSWORD": "not-the-password"})
    assert "cannot load the TLS files" in error


def test_without_openssl_there_is_no_tls_material_and_a_reason(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(TlsUnavailable, match="openssl is not on PATH"):
        generate(tmp_path / "tls")


def test_the_material_is_made_once(tmp_path):
    first = generate(tmp_path)
    made = first.keystore.stat().st_mtime_ns
    assert generate(tmp_path) == first and first.keystore.stat().st_mtime_ns == made


def test_a_tls_broker_not_up_yet_is_left_to_the_start_up_wait(tmp_path):
    tls = generate(tmp_path)
    handshake.check({"security_protocol": "SSL", "bootstrap_servers": f"127.0.0.1:{free_port()}",
                     "ssl_cafile": str(tls.ca)})  # no Refused: the clients wait for it
