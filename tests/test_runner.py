"""The Kafka loop against in-memory fakes: ordering of acks, commits and rebalances, without a broker."""

from __future__ import annotations

from collections import namedtuple

from kafka import TopicPartition
from kafka.errors import KafkaConnectionError

from tests.factories import envelope, story
from worker.core.model import DeadLetter, Reason
from worker.pool import Finished
from worker.settings import Settings
from worker.stream import loop
from worker.stream.loop import Runner
from worker.stream.telemetry import Health, Metrics

TP = TopicPartition("in", 0)
Message = namedtuple("Message", "topic partition offset key value headers timestamp timestamp_type")


class FakeConsumer:
    def __init__(self, messages):
        self.pending = list(messages)
        self.commits, self.seeks = [], []
        self.fail_commits = 0

    def subscribe(self, topics, listener):
        self.listener = listener

    def poll(self, timeout_ms, max_records):
        batch, self.pending = self.pending[:max_records], self.pending[max_records:]
        return {TP: batch} if batch else {}

    def assignment(self):
        return {TP}

    def pause(self, *partitions):
        pass

    def resume(self, *partitions):
        pass

    def commit(self, offsets):
        if self.fail_commits:
            self.fail_commits -= 1
            raise KafkaConnectionError("broker away")
        self.commits.append({tp: meta.offset for tp, meta in offsets.items()})

    def highwater(self, partition):
        return None

    def seek(self, partition, offset):
        self.seeks.append((partition, offset))

    def group_metadata(self):
        return "group"


class FakeFuture:
    def __init__(self):
        self.callbacks, self.errbacks = [], []

    def add_callback(self, callback):
        self.callbacks.append(callback)

    def add_errback(self, errback):
        self.errbacks.append(errback)


class FakeProducer:
    """Holds every send until the test acknowledges it, in any order."""

    def __init__(self):
        self.sent = []

    def send(self, topic, key, value, headers):
        future = FakeFuture()
        self.sent.append((topic, future))
        return future

    def ack(self, index):
        for callback in self.sent[index][1].callbacks:
            callback(None)

    def flush(self):
        pass

    def begin_transaction(self):
        self.sent.append(("begin", None))

    def send_offsets_to_transaction(self, offsets, group_metadata):
        self.sent.append(("offsets", {tp: meta.offset for tp, meta in offsets.items()}))

    def commit_transaction(self):
        self.sent.append(("commit", None))


class FakePool:
    """Every page comes back at once as a dead letter: the loop does not care what the outcome is."""

    def __init__(self):
        self.queue = []
        self.restarts = 0

    @property
    def pending(self):
        return len(self.queue)

    def submit(self, ticket, record):
        self.queue.append(ticket)

    def results(self, timeout):
        done, self.queue = self.queue, []
        return [Finished(ticket, DeadLetter(Reason.NO_CONTENT, "test", "stand-in"), 0.01) for ticket in done]


def runner_with(count: int, **settings):
    messages = [Message("in", 0, offset, None, envelope(*story(offset)), [], 0, 0) for offset in range(count)]
    consumer, producer, pool = FakeConsumer(messages), FakeProducer(), FakePool()
    settings = {"commit_interval_s": 0, "max_in_flight": 100} | settings
    runner = Runner(Settings(**settings), consumer, producer, pool, Metrics(), Health(60))
    consumer.subscribe(None, None)
    return runner, consumer, producer


def step(runner: Runner) -> None:
    runner.step(0)


def test_offsets_are_committed_contiguously_as_acks_arrive_out_of_order():
    runner, consumer, producer = runner_with(4)
    step(runner)
    assert len(producer.sent) == 4 and consumer.commits == []
    producer.ack(2)
    step(runner)
    assert consumer.commits == []  # 0 and 1 are not acknowledged yet
    producer.ack(0)
    step(runner)
    assert consumer.commits == [{TP: 1}]
    producer.ack(1)
    producer.ack(3)
    step(runner)
    assert consumer.commits[-1] == {TP: 4}


def test_a_revoked_partition_that_comes_back_resumes_at_its_first_abandoned_page():
    """Regression: the consumer kept its fetch position for a partition it got back after a rebalance, so
    pages abandoned on revocation were never redone and a later commit went past them."""
    runner, consumer, producer = runner_with(4)
    step(runner)
    producer.ack(0)
    producer.ack(1)
    offsets = runner.release({TP})
    assert {tp: meta.offset for tp, meta in offsets.items()} == {TP: 2}
    runner.resume({TP})
    assert consumer.seeks == [(TP, 2)]


def test_late_acks_for_revoked_pages_are_not_committed():
    runner, consumer, producer = runner_with(3)
    step(runner)
    runner.release({TP})
    producer.ack(0)
    step(runner)
    assert consumer.commits == []


def test_a_failed_commit_is_retried_even_when_nothing_new_finishes():
    """Regression: offsets of a commit that failed while the broker was away were never sent again, so the
    group's lag stayed above zero for good once the partition went quiet."""
    runner, consumer, producer = runner_with(2)
    step(runner)
    consumer.fail_commits = 1
    producer.ack(0)
    producer.ack(1)
    step(runner)  # the commit fails
    assert consumer.commits == []
    step(runner)  # nothing new finished, but the failed commit goes again
    assert consumer.commits == [{TP: 2}]


def test_exactly_once_writes_outputs_and_offsets_in_one_transaction():
    runner, consumer, producer = runner_with(3, guarantee="exactly-once")
    step(runner)
    kinds = [kind for kind, _ in producer.sent]
    assert kinds == ["begin", "pages.dlq", "pages.dlq", "pages.dlq", "offsets", "commit"]
    assert producer.sent[-2][1] == {TP: 3}
    assert consumer.commits == []  # no commit outside the transaction
    assert runner.counters.dead_letters == {"no_content": 3}


def test_exactly_once_outputs_waiting_for_the_transaction_do_not_block_fetching():
    """Regression: outputs waiting for the next transaction counted as pages in flight, so the worker fetched
    at most --max-in-flight pages per commit interval (8 pages/s by default)."""
    runner, consumer, producer = runner_with(6, guarantee="exactly-once", max_in_flight=2, commit_interval_s=3600)
    runner.fetch()
    runner.collect(0)
    runner.fetch()
    assert runner.counters.consumed == 4


def test_outputs_waiting_for_acknowledgement_do_not_block_fetching_but_stay_bounded():
    """Regression: outputs waiting for the broker's acknowledgement counted as pages in flight, so with the
    producer's 25 ms linger a worker with one extractor made at most 4 pages per 25 ms, however small."""
    runner, consumer, producer = runner_with(20, max_in_flight=2)
    for _ in range(10):
        step(runner)
    assert runner.counters.consumed == 8  # 4 × the limit held, none acknowledged: memory stays bounded
    for index in range(3):
        producer.ack(index)
    for _ in range(10):
        step(runner)
    assert runner.counters.consumed == 11  # three acknowledged, three more held


def test_exactly_once_outputs_of_revoked_partitions_are_let_go():
    """Regression: records whose outputs waited for a transaction stayed held after their partition was
    revoked; held records count against the intake limit, so after a few rebalances the worker stopped
    consuming, and its drain at shutdown never ended."""
    runner, consumer, producer = runner_with(3, guarantee="exactly-once", commit_interval_s=3600)
    runner.fetch()
    runner.collect(0)
    runner.release({TP})
    assert runner.ledger.held == 0


def test_records_are_fetched_once_half_the_in_flight_limit_is_free(monkeypatch):
    """A poll wakes the consumer's I/O thread and waits for it: not for every page that finishes."""
    monkeypatch.setattr(loop, "MEMBERSHIP_POLL_S", 3600)  # no poll just to stay in the group during the test
    runner, consumer, producer = runner_with(20, max_in_flight=4)
    pool = runner._pool
    runner.fetch()
    assert runner.counters.consumed == 4
    pool.queue.pop()  # one page done: one record would fit
    runner.fetch()
    assert runner.counters.consumed == 4
    pool.queue.pop()  # two done: half the limit
    runner.fetch()
    assert runner.counters.consumed == 6


def test_the_loop_asks_for_the_cpu_count_once(monkeypatch):
    """Regression: the in-flight limit, four pages per CPU by default, was worked out on every turn of the loop,
    each time reading the process's affinity and cgroup files: a quarter of the main thread's time."""
    calls = []
    monkeypatch.setattr("worker.settings.available_cores", lambda: calls.append(1) or 2)
    runner, _, producer = runner_with(20, max_in_flight=0)
    for _ in range(5):
        step(runner)
    assert len(producer.sent) == 8 + 8 + 4  # 4 pages per CPU in flight at a time: the limit was read
    assert len(calls) == 1
