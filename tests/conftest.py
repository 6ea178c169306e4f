"""Shared fixtures. Integration tests run against a real Kafka broker: the one named by
KAFKA_BOOTSTRAP_SERVERS, or one this suite starts on a free port with kafka/broker.sh.
The pieces themselves (broker, topics, worker processes, waits) live in harness/, shared with bench/."""

from __future__ import annotations

import os
import subprocess
from contextlib import ExitStack
from pathlib import Path

import pytest

from harness import ROOT
from harness.broker import LocalBroker, fresh_topics
from harness.tls import TlsUnavailable, generate
from harness.workers import WorkerProcess

SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def broker(tmp_path_factory) -> LocalBroker | None:
    """The suite's own broker, which fault tests may stop and start again, with a SCRAM-SHA-256 listener
    on a second port and, when the TLS material could be made (harness/tls.py), SSL, SASL_SSL and mutual-TLS
    listeners; None when KAFKA_BOOTSTRAP_SERVERS names a broker this suite does not control. A broker that
    does not start with TLS is started without it: the TLS tests skip, the others run."""
    if os.environ.get("KAFKA_BOOTSTRAP_SERVERS"):
        yield None
        return
    try:
        tls, tls_unavailable = generate(tmp_path_factory.mktemp("tls")), None
    except TlsUnavailable as err:
        tls, tls_unavailable = None, f"no TLS material: {err}"
    with ExitStack() as stack:
        try:
            local = stack.enter_context(LocalBroker(tmp_path_factory.mktemp("kafka"), sasl=True, tls=tls))
        except subprocess.CalledProcessError:
            if tls is None:
                raise
            local = stack.enter_context(LocalBroker(tmp_path_factory.mktemp("kafka"), sasl=True))
            tls_unavailable = "the broker did not start with its TLS listeners (see its broker.log)"
        local.tls_unavailable = tls_unavailable
        yield local


@pytest.fixture(scope="session")
def tls_broker(broker) -> LocalBroker:
    """The suite's broker with its TLS listeners; the test skips, saying why, when it has none."""
    if broker is None:
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS names a broker without the suite's TLS listeners")
    if broker.tls is None:
        pytest.skip(broker.tls_unavailable)
    return broker


@pytest.fixture(scope="session")
def bootstrap(broker) -> str:
    return broker.bootstrap if broker else os.environ["KAFKA_BOOTSTRAP_SERVERS"]


@pytest.fixture
def topics(bootstrap):
    """Fresh topic names and group for one test: input (4 partitions), output (2), dlq (1)."""
    return fresh_topics(bootstrap)


@pytest.fixture
def start_worker(bootstrap, topics, tmp_path):
    """start_worker(*options) -> a WorkerProcess on the test's topics; killed at the end if still running."""
    started: list[WorkerProcess] = []

    def start(*extra: str) -> WorkerProcess:
        worker = WorkerProcess(bootstrap, topics, "--commit-interval-s", "0.2", *extra,
                               log_path=tmp_path / f"worker-{len(started)}.log")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.kill()


@pytest.fixture
def shared_datasets() -> Path:
    path = SHARED / "datasets" / "scrapinghub"
    if not (path / "ground-truth.json").exists():
        pytest.skip("shared datasets not available")
    return path
