"""Reading and writing the test topics on the real broker."""

from __future__ import annotations

from kafka.admin import KafkaAdminClient
from kafka.consumer import KafkaConsumer
from kafka.structs import TopicPartition

from harness.broker import FLUSH_TIMEOUT_S, group_assignments, producer
from harness.wait import Deadline, wait_until
from harness.workers import WorkerProcess
from tests.contract import valid_article
from tests.factories import envelope, story


def produce(bootstrap: str, topic: str, records) -> list[tuple[int, int]]:
    """Publish (key, value, headers) records; returns their (partition, offset)."""
    with producer(bootstrap) as client:
        futures = [client.send(topic, key=k, value=v, headers=h) for k, v, h in records]
        client.flush(timeout=FLUSH_TIMEOUT_S)
        return [(m.partition, m.offset) for m in (f.get(timeout=30) for f in futures)]


def read_all(bootstrap: str, topic: str, timeout: float = 60, **consumer_config) -> list:
    """Every record of `topic` up to its end offsets now (under read_committed: its last stable offsets)."""
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, **consumer_config)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning()
        end = consumer.end_offsets(partitions)
        deadline = Deadline(timeout, f"the records of {topic}")
        messages = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            deadline.check()
            for batch in consumer.poll(timeout_ms=500).values():
                messages.extend(batch)
    finally:
        consumer.close()
    return messages


def outcomes(bootstrap: str, topics: dict) -> dict[tuple[int, int], list]:
    """Input coordinates -> the article(s) and dead letter(s) published for them."""
    found: dict[tuple[int, int], list] = {}
    for message in read_all(bootstrap, topics["output"]):
        article = valid_article(message.value)
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


# Enough long pages that a worker killed after its first commits still has most of them ahead: of 200, all
# were done in the second it took to read the outputs back (CI, 2026-12-04).
MID_STREAM_PAGES = 1000


def kill_once_committed(worker: WorkerProcess, bootstrap: str, topics: dict, pages: int) -> None:
    """kill -9 `worker` as soon as its group's committed offsets cover `pages` pages: one admin call, where
    reading the outputs back takes a second. The group must exist."""
    wait_until(lambda: sum(committed(bootstrap, topics).values()) >= pages, timeout=120,
               message=f"{pages} pages committed")
    worker.process.kill()
    worker.process.wait()


def good_records(count: int, paragraphs: int = 6):
    return [(None, envelope(*story(i, paragraphs)), []) for i in range(count)]


def assignments(bootstrap: str, topics: dict) -> list[list[int]]:
    """The input partitions of each member of the test's group, as the group coordinator sees them."""
    return group_assignments(bootstrap, topics["group"])


def all_done(bootstrap: str, topics: dict, coordinates, timeout: float = 180) -> dict:
    """The outcomes, once every input at `coordinates` has one; fails naming the missing and the lag."""
    try:
        return wait_until(lambda: (f := outcomes(bootstrap, topics)) and set(coordinates) <= set(f) and f,
                          timeout=timeout, message="an outcome for every input")
    except AssertionError:
        missing = sorted(set(coordinates) - set(outcomes(bootstrap, topics)))
        raise AssertionError(
            f"no outcome for {len(missing)} inputs, e.g. {missing[:10]}; lag {lag(bootstrap, topics)}") from None


def settled(bootstrap: str, topics: dict) -> bool:
    """The group's committed offsets are at every input partition's end."""
    return set(lag(bootstrap, topics).values()) == {0}


def only_articles(found: dict) -> bool:
    """No input became a dead letter (a transient fault must not make one)."""
    return all(kind == "article" for results in found.values() for kind, _ in results)
