"""Chaos on the real broker: extractor processes killed again and again, the broker stopped, killed with -9
or frozen past the group's session timeout, a page that kills every extractor it meets. After each: every input
accounted for, no good page a dead letter, lag at zero, and a clean exit 0 on SIGTERM."""

from __future__ import annotations

import os
import random
import signal
import time
import uuid
from contextlib import contextmanager

import orjson
import pytest

from harness.procs import descendants
from harness.wait import wait_until
from harness.workers import WorkerProcess
from tests.factories import article_html, envelope
from tests.kafka_helpers import all_done, good_records, only_articles, outcomes, produce, settled
from worker.pool import CRASH_MARKER_VARIABLE

pytestmark = pytest.mark.integration
SESSION_TIMEOUT_S = 45  # kafka-python's default session.timeout.ms, which the worker keeps
EXTRACTOR_KILLS = 6


def _parent(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return int(stat.read().rpartition(b")")[2].split()[1])
    except (OSError, ValueError, IndexError):
        return None


def _cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as cmdline:
            return cmdline.read()
    except OSError:
        return b""


def extractor_side(worker: WorkerProcess) -> tuple[int | None, list[int]]:
    """The worker's forkserver and the extractor processes it forked."""
    forkserver = next((p for p in descendants([worker.pid]) if _parent(p) == worker.pid
                       and b"forkserver" in _cmdline(p)), None)
    return forkserver, descendants([forkserver]) if forkserver else []


def kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:  # exited (recycled) meanwhile
        pass


def assert_clean_logs(worker: WorkerProcess) -> None:
    """Every line the worker printed is JSON (no plain-text traceback or warning), and none is a crash."""
    for line in worker.logs().splitlines():
        entry = orjson.loads(line)
        assert entry["level"] != "critical", line


def test_extractor_processes_killed_again_and_again_lose_no_good_page(bootstrap, topics, start_worker):
    coordinates = produce(bootstrap, topics["input"], good_records(150, paragraphs=60))
    worker = start_worker("--processes", "2")
    wait_until(lambda: len(outcomes(bootstrap, topics)) >= 5, timeout=120, message="the first articles")
    rng = random.Random(12)
    for kill_number in range(EXTRACTOR_KILLS):  # busy ones: under load, every extractor has a page
        if len(outcomes(bootstrap, topics)) > len(coordinates) - 60:  # keep the load on
            coordinates += produce(bootstrap, topics["input"], good_records(100, paragraphs=60))
        _, extractors = wait_until(lambda: (side := extractor_side(worker)) and len(side[1]) == 2 and side,
                                   timeout=60, message="two extractor processes")
        victim = rng.choice(extractors)
        kill(victim)
        done = len(outcomes(bootstrap, topics))
        wait_until(lambda v=victim, d=done: v not in extractor_side(worker)[1] and len(outcomes(bootstrap, topics)) >= d + 3,
                   timeout=60, message=f"progress after kill {kill_number + 1}")
    all_done(bootstrap, topics, coordinates)
    forkserver, idle = extractor_side(worker)  # idle ones now, and the forkserver they fork from
    for pid in [*idle, forkserver]:
        kill(pid)
    more = produce(bootstrap, topics["input"], good_records(20))
    found = all_done(bootstrap, topics, coordinates + more)
    wait_until(lambda: settled(bootstrap, topics), timeout=60, message="lag back to zero")
    assert worker.stop(signal.SIGTERM) == 0, worker.logs()
    assert only_articles(found), "a good page became a dead letter because its process was killed"
    assert_clean_logs(worker)


@contextmanager
def stopped(broker):
    broker.down()
    try:
        yield
    finally:
        broker.up()


@contextmanager
def killed(broker):
    broker.kill()
    try:
        yield
    finally:
        broker.up()


@contextmanager
def frozen(broker):
    broker.signal(signal.SIGSTOP)
    try:
        time.sleep(SESSION_TIMEOUT_S + 5)  # the fault itself: the group's session expires while the broker is frozen
        yield
    finally:
        broker.signal(signal.SIGCONT)


@pytest.mark.parametrize("fault", [stopped, killed, frozen], ids=["stopped", "killed with -9", "frozen (SIGSTOP)"])
def test_the_broker_fails_mid_stream_and_comes_back(fault, broker, bootstrap, topics, start_worker):
    if broker is None:
        pytest.skip("KAFKA_BOOTSTRAP_SERVERS names a broker this suite cannot stop, kill or freeze")
    coordinates = produce(bootstrap, topics["input"], good_records(150, paragraphs=40))
    worker = start_worker("--processes", "1")
    wait_until(lambda: len(outcomes(bootstrap, topics)) >= 10, timeout=120, message="the first articles")
    with fault(broker):
        assert worker.running, "the worker died with the broker"
    found = all_done(bootstrap, topics, coordinates, timeout=240)
    wait_until(lambda: settled(bootstrap, topics), timeout=120, message="lag back to zero")
    assert worker.stop(signal.SIGTERM) == 0, worker.logs()
    assert only_articles(found), "a transient failure became a dead letter"
    assert_clean_logs(worker)


def test_a_page_that_kills_every_extractor_is_one_crash_dead_letter(bootstrap, topics, tmp_path):
    marker = f"crash-{uuid.uuid4().hex}"
    deadly = (b"deadly", envelope("https://example.com/deadly", html=article_html(marker, ["It kills."] * 40)), [])
    records = good_records(40)
    records.insert(5, deadly)
    coordinates = produce(bootstrap, topics["input"], records)
    worker = WorkerProcess(bootstrap, topics, "--commit-interval-s", "0.2", "--processes", "2",
                           log_path=tmp_path / "worker.log", env={**os.environ, CRASH_MARKER_VARIABLE: marker})
    try:
        found = all_done(bootstrap, topics, coordinates)
        wait_until(lambda: settled(bootstrap, topics), timeout=60, message="lag back to zero")
        assert worker.stop(signal.SIGTERM) == 0, worker.logs()
    finally:
        worker.kill()
    where = coordinates[5]
    (kind, letter), = found.pop(where)
    assert kind == "dead" and dict(letter.headers)["dlq.reason"] == b"extraction_crash"
    assert (letter.key, letter.value) == deadly[:2]
    assert all([k for k, _ in results] == ["article"] for results in found.values())
    later = [w for w in coordinates if w[0] == where[0] and w[1] > where[1]]
    assert later and all(w in found for w in later), "the partition stalled behind the deadly page"
    assert worker.logs().count("extractor process died: its page goes to another") == 1  # redone once, no loop
    assert_clean_logs(worker)
