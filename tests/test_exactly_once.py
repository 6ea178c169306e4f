"""--guarantee exactly-once: kill -9 mid-stream, restart, and a read_committed consumer sees every input
exactly once: no duplicates, no gaps."""

from __future__ import annotations

import signal
from collections import Counter

import orjson
import pytest

from harness.wait import wait_until
from harness.workers import stop_workers, wait_for_group
from tests.kafka_helpers import MID_STREAM_PAGES, good_records, kill_once_committed, lag, produce, read_all

pytestmark = pytest.mark.integration


def committed_origins(bootstrap: str, topics: dict) -> Counter:
    """Input coordinates of every article a read_committed consumer can see."""
    seen = Counter()
    for message in read_all(bootstrap, topics["output"], isolation_level="read_committed"):
        origin = orjson.loads(message.value)["origin"]
        seen[(origin["partition"], origin["offset"])] += 1
    return seen


def test_kill_9_mid_stream_leaves_no_duplicate_and_no_gap(bootstrap, topics, start_worker):
    coordinates = produce(bootstrap, topics["input"], good_records(MID_STREAM_PAGES, paragraphs=60))
    first = start_worker("--processes", "1", "--guarantee", "exactly-once", "--transactional-id", "eos-test")
    wait_for_group(bootstrap, topics["group"], 1, [first])
    kill_once_committed(first, bootstrap, topics, 10)
    assert sum(committed_origins(bootstrap, topics).values()) < len(coordinates), "killed too late to test anything"

    second = start_worker("--processes", "2", "--guarantee", "exactly-once", "--transactional-id", "eos-test")
    seen = wait_until(lambda: (s := committed_origins(bootstrap, topics)) and set(s) == set(coordinates) and s,
                      timeout=240, message="every input, committed")
    wait_until(lambda: set(lag(bootstrap, topics).values()) == {0}, timeout=60, message="lag back to zero")
    assert second.stop(signal.SIGTERM) == 0, second.logs()
    assert max(seen.values()) == 1, [where for where, count in seen.items() if count > 1][:10]
    assert sum(committed_origins(bootstrap, topics).values()) == len(coordinates)


def test_replicas_sharing_a_host_with_default_ids_survive_a_kill_9_of_one(bootstrap, topics, start_worker):
    """Regression: the default transactional id was <group>-<hostname>, so a second replica on the host fenced
    the first (exit 3). Now it is unique per process and the group's generation fences zombies (KIP-447)."""
    coordinates = produce(bootstrap, topics["input"], good_records(MID_STREAM_PAGES, paragraphs=60))
    options = ("--processes", "1", "--guarantee", "exactly-once")
    doomed, survivor = start_worker(*options), start_worker(*options)
    wait_for_group(bootstrap, topics["group"], 2, [doomed, survivor])
    kill_once_committed(doomed, bootstrap, topics, 20)
    assert sum(committed_origins(bootstrap, topics).values()) < len(coordinates), "killed too late to test anything"
    replacement = start_worker(*options)
    seen = wait_until(lambda: (s := committed_origins(bootstrap, topics)) and set(s) == set(coordinates) and s,
                      timeout=240, message="every input, committed")
    wait_until(lambda: set(lag(bootstrap, topics).values()) == {0}, timeout=60, message="lag back to zero")
    assert stop_workers([survivor, replacement]) == [0, 0], survivor.logs() + replacement.logs()
    assert max(seen.values()) == 1, [where for where, count in seen.items() if count > 1][:10]
    assert sum(committed_origins(bootstrap, topics).values()) == len(coordinates)
