"""Support code shared by the test suite (tests/) and the benchmarks (bench/).

An installed package (pyproject.toml lists it beside worker), so that `python bench/soak.py` imports it
without touching sys.path. Kafka client libraries are imported inside the functions that use them: the
benchmarks' measurement processes import this package and must not pay for kafka-python in their RSS.

    harness.wait     deadlines: Deadline, wait_until, DeadlineExceeded
    harness.broker   a Kafka broker (ours or KAFKA_BOOTSTRAP_SERVERS), fresh topics, producers, group state
    harness.workers  `python -m worker run` as a child process; reading what the workers published
    harness.procs    memory and CPU of process trees, from /proc
"""

from __future__ import annotations

import socket
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # the repository: the worker's cwd, kafka/broker.sh


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
