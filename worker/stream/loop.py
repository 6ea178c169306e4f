"""The Kafka loop: consume, hand pages to the pool, pass each outcome to the delivery guarantee, commit.
Only this loop (and the guarantee it drives) touches the consumer and the producer."""

from __future__ import annotations

import logging
import time

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.subscription_state import AsyncConsumerRebalanceListener
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata

from worker.pool import ExtractorPool
from worker.settings import Settings
from worker.stream.guarantees import AtLeastOnce, Guarantee, Transactional
from worker.stream.ledger import Ledger, Ticket
from worker.stream.records import OutgoingRecord, Outputs, from_consumer_record
from worker.stream.telemetry import Counters, Health, LoopObserver, Metrics

log = logging.getLogger(__name__)
IDLE_POLL_MS = 200  # how long poll() blocks when no page is in flight
BUSY_WAIT_S = 0.02  # how long to wait for extractor results while pages are in flight
HELD_PER_IN_FLIGHT = 4  # consumed records held, as a multiple of --max-in-flight, outputs awaiting acks included
# Records are fetched once half the in-flight limit is free, not one at a time as each page finishes: a poll
# wakes the consumer's I/O thread and waits for it, which cost the main thread a third of its CPU.
REFILL_DIVISOR = 2
MEMBERSHIP_POLL_S = 1.0  # while full, poll this often anyway: rebalances are handled inside poll()


class Runner:
    def __init__(self, settings: Settings, consumer: KafkaConsumer, producer: KafkaProducer, pool: ExtractorPool,
                 metrics: Metrics, health: Health):
        self._settings, self._consumer, self._pool = settings, consumer, pool
        # Read once: by default it asks the kernel for this process's CPUs (affinity, cgroup files), which in
        # the loop cost the main thread a quarter of its samples.
        self._in_flight_limit = settings.in_flight_limit
        self.ledger = Ledger()
        self._observer = LoopObserver(metrics, health, settings.summary_interval_s)
        self.counters: Counters = self._observer.counters
        outputs = Outputs(settings.output_topic, settings.dlq_topic, settings.max_message_bytes, settings.group_id)
        kind = Transactional if settings.exactly_once else AtLeastOnce
        self._guarantee: Guarantee = kind(consumer, producer, self.ledger, outputs, settings.commit_interval_s,
                                          self._written)
        self._outputs = outputs
        self._paused = False
        self._stopping = False
        self._next_membership_poll = 0.0

    def stop(self) -> None:
        """Ask the loop to stop fetching and drain; safe to call from a signal handler."""
        self._stopping = True

    def run(self, max_records: int | None = None, timeout_s: float | None = None) -> Counters:
        """Process until stopped (or, for tests, until `max_records` are done or `timeout_s` passes)."""
        self._consumer.subscribe([self._settings.input_topic], listener=Rebalance(self, self._consumer))
        # A metadata update now, before the first poll joins the group: the leader compares the partitions it
        # assigned with those in its metadata, and a join made before the update arrived is redone at once,
        # a rebalance that kafka-python 3.0.12 can leave unfinished, the worker idle for ever.
        self._consumer.topics()
        deadline = time.monotonic() + timeout_s if timeout_s else None
        while not self._stopping:
            self.step(BUSY_WAIT_S)
            if (max_records and self.counters.done >= max_records and not self.ledger.held) or (
                    deadline and time.monotonic() > deadline):
                break
        self._drain()
        return self.counters

    def step(self, wait_s: float) -> None:
        """One turn: fetch what fits, collect results, settle acknowledgements, commit when due."""
        self.fetch()
        self.collect(wait_s)
        self._guarantee.settle()
        # exactly-once: outputs wait for the transaction; a full batch goes without waiting for the interval
        self._guarantee.commit(force=self._guarantee.waiting >= self._in_flight_limit)
        self._observer.tick(self.ledger.held, self._pool.restarts, self._lag)

    def fetch(self) -> None:
        # Pages being extracted count against the limit. Outputs waiting for the broker's acknowledgement (or
        # the next transaction) do not, or the producer's linger would cap the pace; the records they hold
        # are bounded apart, so that memory stays flat while the broker is slow or away.
        limit = self._in_flight_limit
        room = min(limit - self._pool.pending, HELD_PER_IN_FLIGHT * limit - self.ledger.held)
        self._set_paused(room <= 0)
        if room < max(1, limit // REFILL_DIVISOR) and time.monotonic() < self._next_membership_poll:
            return  # a poll costs a round trip to the client's I/O thread: when several records fit, or to stay in the group
        self._next_membership_poll = time.monotonic() + MEMBERSHIP_POLL_S
        batch = self._consumer.poll(timeout_ms=0 if self.ledger.held else IDLE_POLL_MS, max_records=max(room, 1))
        for partition, messages in batch.items():
            for message in messages:
                record = from_consumer_record(message)
                self._pool.submit(self.ledger.admit(partition, message.offset, record), record)
                self._observer.consumed()

    def collect(self, wait_s: float) -> None:
        for ticket, outcome, seconds in self._pool.results(timeout=wait_s if self.ledger.held else 0):
            self._observer.extracted(seconds)
            if self.ledger.owns(ticket):
                self._guarantee.accept(ticket, self._outputs.of(self.ledger.record(ticket), outcome))

    def _written(self, ticket: Ticket, outgoing: OutgoingRecord) -> None:
        self._observer.written(self.ledger.close(ticket), outgoing)

    def _lag(self) -> dict[TopicPartition, int]:
        """Records between what this worker has consumed and each partition's end, as the last fetch saw it."""
        lag = {}
        for partition in self._consumer.assignment():
            end, position = self._consumer.highwater(partition), self.ledger.positions.get(partition)
            if end is not None and position is not None:
                lag[partition] = max(0, end - position)
        return lag

    def _set_paused(self, paused: bool) -> None:
        """Backpressure: stop fetching while the in-flight limit is reached, keep polling for membership."""
        if paused != self._paused:
            assigned = self._consumer.assignment()
            (self._consumer.pause if paused else self._consumer.resume)(*assigned)
            self._paused = paused

    def _drain(self) -> None:
        """Finish every page in flight, wait for the broker's acknowledgements, commit."""
        while self.ledger.held > self._guarantee.waiting:  # exactly-once: the rest goes in the last transaction
            self.collect(BUSY_WAIT_S)
            self._guarantee.flush()
            self._guarantee.settle()
            if (retry_at := self.ledger.next_retry) and not self._pool.pending:  # nothing to wait on but a retry
                time.sleep(max(0.0, retry_at - time.monotonic()))
        self._guarantee.commit(force=True)

    def release(self, revoked) -> dict[TopicPartition, OffsetAndMetadata]:
        """Partitions are being taken away: what is acknowledged is committed; pages still in flight are
        dropped when they come back, and the partitions' next owner does them again."""
        offsets = self._guarantee.release(revoked)
        self._observer.membership(False, revoked=self.ledger.revoke(revoked))
        self._paused = False  # a new assignment starts unpaused
        return offsets

    def resume(self, assigned) -> None:
        """A partition that comes back keeps its fetch position, past the pages abandoned on revocation:
        go back to the first of them (others' new owners start from the committed offset, which is there)."""
        for partition, offset in self.ledger.take_resume_positions().items():
            if partition in assigned:
                self._consumer.seek(partition, offset)
        self._observer.membership(True)


class Rebalance(AsyncConsumerRebalanceListener):
    """kafka-python 3 calls this on its I/O thread, inside the loop's poll(): the loop is waiting, so the
    runner's state is not touched concurrently, but blocking client calls are not allowed here."""

    def __init__(self, runner: Runner, consumer: KafkaConsumer) -> None:
        self._runner = runner
        self._consumer = consumer

    async def on_partitions_revoked(self, revoked) -> None:
        offsets = self._runner.release(revoked)
        if offsets:
            try:
                await self._consumer.commit_async(offsets)
            except KafkaError as err:
                log.warning("commit on revocation failed", extra={"error": repr(err)})

    async def on_partitions_assigned(self, assigned) -> None:
        self._runner.resume(assigned)
        log.info("partitions assigned", extra={"partitions": sorted(f"{tp.topic}:{tp.partition}" for tp in assigned)})
