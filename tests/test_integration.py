"""End to end on a real broker: every input ends as exactly one article or one intact dead letter."""

from __future__ import annotations

import signal

import orjson
import pytest
from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import CoordinatorNotAvailableError

from tests.conftest import wait_until
from tests.factories import envelope, poison_records, story

pytestmark = pytest.mark.integration


def produce(bootstrap: str, topic: str, records) -> list[tuple[int, int]]:
    """Publish (key, value, headers) records; returns their (partition, offset)."""
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all", max_request_size=16 * 1024 * 1024)
    futures = [producer.send(topic, key=k, value=v, headers=h) for k, v, h in records]
    producer.flush()
    coordinates = [(m.partition, m.offset) for m in (f.get(timeout=30) for f in futures)]
    producer.close()
    return coordinates


def read_all(bootstrap: str, topic: str) -> list:
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
    consumer.assign(partitions)
    consumer.seek_to_beginning()
    end = consumer.end_offsets(partitions)
    messages = []
    while any(consumer.position(tp) < end[tp] for tp in partitions):
        for batch in consumer.poll(timeout_ms=500).values():
            messages.extend(batch)
    consumer.close()
    return messages


def outcomes(bootstrap: str, topics: dict) -> dict[tuple[int, int], list]:
    """Input coordinates -> the article(s) and dead letter(s) published for them."""
    found: dict[tuple[int, int], list] = {}
    for message in read_all(bootstrap, topics["output"]):
        article = orjson.loads(message.value)
        found.setdefault((article["origin"]["partition"], article["origin"]["offset"]), []).append(("article", message))
    for message in read_all(bootstrap, topics["dlq"]):
        headers = dict(message.headers)
        key = (int(headers["dlq.original.partition"]), int(headers["dlq.original.offset"]))
        found.setdefault(key, []).append(("dead", message))
    return found


def committed(bootstrap: str, topics: dict) -> dict[int, int]:
    admin = KafkaAdminClient(bootstrap_servers=bootstrap)
    offsets = admin.list_group_offsets(topics["group"])[topics["group"]]
    admin.close()
    return {tp.partition: meta.offset for tp, meta in offsets.items() if tp.topic == topics["input"]}


def lag(bootstrap: str, topics: dict) -> dict[int, int]:
    """Per input partition: records not yet covered by the group's committed offset."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap)
    partitions = [TopicPartition(topics["input"], p) for p in consumer.partitions_for_topic(topics["input"])]
    ends = consumer.end_offsets(partitions)
    consumer.close()
    done = committed(bootstrap, topics)
    return {tp.partition: end - done.get(tp.partition, 0) for tp, end in ends.items()}


def good_records(count: int, paragraphs: int = 6):
    return [(None, envelope(*story(i, paragraphs)), []) for i in range(count)]


def test_every_input_becomes_one_article_or_one_intact_dead_letter(bootstrap, topics, start_worker):
    poison = poison_records()
    inputs = good_records(8) + poison
    coordinates = produce(bootstrap, topics["input"], inputs)
    worker = start_worker("--processes", "2")

    found = wait_until(lambda: (f := outcomes(bootstrap, topics)) and len(f) == len(inputs) and f,
                       timeout=120, message="an outcome for every input")
    assert worker.stop(signal.SIGTERM) == 0, worker.logs()

    assert set(found) == set(coordinates)
    assert all(len(results) == 1 for results in found.values())
    for (key, value, headers), where in zip(inputs, coordinates):
        kind, message = found[where][0]
        if (key, value, headers) in poison:
            assert kind == "dead"
            assert (message.key, message.value) == (key, value)
            assert message.headers[: len(headers)] == headers
            annotations = dict(message.headers)
            assert annotations["dlq.original.topic"].decode() == topics["input"]
            assert annotations["dlq.reason"].decode() in {"invalid_envelope", "not_html", "not_article"}
            assert annotations["dlq.stage"] and annotations["dlq.message"] and annotations["dlq.time"]
        else:
            assert kind == "article"
            article = orjson.loads(message.value)
            assert message.key == article["id"].encode()
            assert article["title"].startswith("Story ") and article["authors"] == ["Jane Doe"]
    assert set(lag(bootstrap, topics).values()) == {0}


def test_kill_9_mid_stream_loses_nothing(bootstrap, topics, start_worker):
    # Long pages on one process: the stream lasts many seconds, so the kill lands mid-stream.
    coordinates = produce(bootstrap, topics["input"], good_records(200, paragraphs=60))
    first = start_worker("--processes", "1", "--max-in-flight", "4")
    wait_until(lambda: len(outcomes(bootstrap, topics)) >= 5, timeout=120, message="the first articles")
    first.process.kill()
    first.process.wait()
    done_before = len(outcomes(bootstrap, topics))
    assert done_before < len(coordinates), "the worker finished before it could be killed mid-stream"

    second = start_worker("--processes", "2")
    found = wait_until(lambda: (f := outcomes(bootstrap, topics)) and set(f) == set(coordinates) and f,
                       timeout=180, message="every input after the restart")
    assert second.stop(signal.SIGTERM) == 0, second.logs()
    assert all(kind == "article" for results in found.values() for kind, _ in results)
    assert set(lag(bootstrap, topics).values()) == {0}


def test_two_workers_in_one_group_share_the_partitions(bootstrap, topics, start_worker):
    coordinates = produce(bootstrap, topics["input"], good_records(12))
    workers = [start_worker("--processes", "1"), start_worker("--processes", "1")]

    def assignments():
        admin = KafkaAdminClient(bootstrap_servers=bootstrap)
        try:
            group = admin.describe_groups([topics["group"]])[topics["group"]]
        except CoordinatorNotAvailableError:  # the group's coordinator is still being elected
            return None
        finally:
            admin.close()
        owned = [sorted(p for a in m["member_assignment"]["assigned_partitions"] for p in a["partitions"])
                 for m in group["members"] if m["member_assignment"]]
        return owned if len(owned) == 2 and all(owned) else None

    owned = wait_until(assignments, timeout=120, message="two members with partitions")
    assert sorted(owned[0] + owned[1]) == [0, 1, 2, 3]
    wait_until(lambda: set(outcomes(bootstrap, topics)) == set(coordinates), timeout=120, message="every input")
    assert [w.stop(signal.SIGTERM) for w in workers] == [0, 0]
