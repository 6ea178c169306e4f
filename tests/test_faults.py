"""Faults on the real broker. After each: every input accounted for, no transient failure turned into a
dead letter, consumer lag back to zero, and the workers stop cleanly."""

from __future__ import annotations

import signal

import orjson
import pytest
from kafka import KafkaAdminClient
from kafka.admin import NewTopic

from harness.broker import create_topics, topic_names
from harness.wait import wait_until
from harness.workers import WorkerProcess
from tests.factories import article_html, envelope
from tests.kafka_helpers import all_done, assignments, good_records, only_articles, outcomes, produce, settled

pytestmark = pytest.mark.integration


def test_scaling_from_one_worker_to_three_and_back(bootstrap, topics, start_worker):
    coordinates = produce(bootstrap, topics["input"], good_records(240, paragraphs=40))
    first = start_worker("--processes", "1")
    wait_until(lambda: len(outcomes(bootstrap, topics)) >= 10, timeout=120, message="the first articles")
    extra = [start_worker("--processes", "1"), start_worker("--processes", "1")]
    wait_until(lambda: (a := assignments(bootstrap, topics)) and len(a) == 3 and all(a), timeout=120,
               message="three members sharing the partitions")
    assert [worker.stop(signal.SIGTERM) for worker in extra] == [0, 0]
    found = all_done(bootstrap, topics, coordinates)
    wait_until(lambda: settled(bootstrap, topics), timeout=60, message="lag back to zero")
    assert first.stop(signal.SIGTERM) == 0
    assert only_articles(found)


def test_a_worker_started_before_its_topics_exist_waits_for_them(bootstrap, tmp_path):
    """As under compose, where `worker topics` runs beside the workers: a group that joined before the input
    topic's partitions were known was assigned nothing, for ever."""
    names = topic_names()
    worker = WorkerProcess(bootstrap, names, "--processes", "1", log_path=tmp_path / "worker.log")
    try:
        wait_until(lambda: "input topic not found yet" in worker.logs(), timeout=120, message="the worker to wait")
        create_topics(bootstrap, names)
        coordinates = produce(bootstrap, names["input"], good_records(5))
        found = all_done(bootstrap, names, coordinates)
        assert worker.stop(signal.SIGTERM) == 0, worker.logs()
    finally:
        worker.kill()
    assert only_articles(found)


def test_output_topic_temporarily_unwritable(bootstrap, topics, start_worker):
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    admin.delete_topics([topics["output"]])
    # Deletion is asynchronous: a worker that still found the topic queued its articles for it, and heard of the
    # failure only after the producer's 120 s delivery timeout (the test's wait for the log line ran out once).
    wait_until(lambda: topics["output"] not in admin.list_topics(), timeout=60, message="the output topic to be gone")
    coordinates = produce(bootstrap, topics["input"], good_records(20))
    worker = start_worker("--processes", "1")
    wait_until(lambda: "produce failed, will retry" in worker.logs(), timeout=120, message="failed produce attempts")
    assert not settled(bootstrap, topics), "offsets were committed for records whose articles were not written"
    wait_until(lambda: _create(admin, topics["output"]), timeout=60, message="the output topic to come back")
    admin.close()
    found = all_done(bootstrap, topics, coordinates)
    wait_until(lambda: settled(bootstrap, topics), timeout=60, message="lag back to zero")
    assert worker.stop(signal.SIGTERM) == 0
    assert only_articles(found)


def _create(admin: KafkaAdminClient, name: str) -> bool:
    try:
        admin.create_topics([NewTopic(name, 2, 1)])
    except Exception:  # deletion still in progress: try again
        return False
    return True


def test_a_slow_extraction_runs_into_the_time_limit(bootstrap, topics, start_worker):
    slow = article_html("A very long page", [f"Paragraph {i} of a page long enough to take its time." for i in range(15_000)])
    records = good_records(6) + [(b"slow", envelope("https://example.com/slow", html=slow), [])]
    coordinates = produce(bootstrap, topics["input"], records)
    worker = start_worker("--processes", "1", "--extraction-timeout-s", "0.5")
    found = all_done(bootstrap, topics, coordinates)
    wait_until(lambda: settled(bootstrap, topics), timeout=60, message="lag back to zero")
    assert worker.stop(signal.SIGTERM) == 0
    kinds = {where: [kind for kind, _ in results] for where, results in found.items()}
    slow_where = coordinates[-1]
    assert kinds.pop(slow_where) == ["dead"]
    assert dict(found[slow_where][0][1].headers)["dlq.reason"] == b"extraction_timeout"
    assert all(k == ["article"] for k in kinds.values())


def test_an_article_over_the_producer_limit_becomes_a_too_large_dead_letter(bootstrap, topics, start_worker):
    long_page = article_html("A long article", [f"Paragraph {i}: the council argued about the harbour budget again."
                                                for i in range(600)])
    records = good_records(3) + [(b"long", envelope("https://example.com/long", html=long_page), [])]
    coordinates = produce(bootstrap, topics["input"], records)
    worker = start_worker("--processes", "1", "--max-message-bytes", "30000")
    found = all_done(bootstrap, topics, coordinates)
    assert worker.stop(signal.SIGTERM) == 0
    (kind, message), = found[coordinates[-1]]
    headers = dict(message.headers)
    assert kind == "dead" and headers["dlq.reason"] == b"too_large" and headers["dlq.stage"] == b"produce"
    assert message.value == records[-1][1]
    assert all(found[where][0][0] == "article" for where in coordinates[:-1])
    assert all(orjson.loads(found[where][0][1].value)["title"] for where in coordinates[:-1])
