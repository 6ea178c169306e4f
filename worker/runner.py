"""The imperative shell: the only code that touches Kafka. Consume, hand pages to the pool, produce
each outcome, and commit an offset once everything below it is acknowledged by the broker."""

from __future__ import annotations

import logging
import queue
import time
from dataclasses import dataclass, field

from kafka import ConsumerRebalanceListener, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.errors import KafkaError, MessageSizeTooLargeError
from kafka.structs import OffsetAndMetadata

from worker.commits import CommitTracker
from worker.model import Article, DeadLetter, Outcome, RawRecord, Reason
from worker.pool import ExtractorPool
from worker.records import OutgoingRecord, article_record, dead_letter_record, from_consumer_record
from worker.settings import Settings

log = logging.getLogger(__name__)
IDLE_POLL_MS = 200  # how long poll() blocks when no page is in flight
BUSY_WAIT_S = 0.02  # how long to wait for extractor results while pages are in flight
RETRY_BACKOFF_S = (0.5, 1, 2, 5, 10)
MEMBERSHIP_POLL_S = 1.0  # while full, poll this often anyway: rebalances are handled inside poll()  # produce retries after a transient broker failure


@dataclass
class Counters:
    consumed: int = 0
    articles: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)


class Runner(ConsumerRebalanceListener):
    def __init__(self, settings: Settings, consumer: KafkaConsumer, producer: KafkaProducer, pool: ExtractorPool):
        self._settings = settings
        self._consumer = consumer
        self._producer = producer
        self._pool = pool
        self._tracker = CommitTracker()
        self._records: dict[tuple[TopicPartition, int], RawRecord] = {}
        self._acks: queue.SimpleQueue = queue.SimpleQueue()  # filled by the producer's I/O thread
        self._retries: list[tuple[float, tuple, OutgoingRecord, int]] = []
        self._paused = False
        self._stopping = False
        self._next_commit = 0.0
        self._next_membership_poll = 0.0
        self.counters = Counters()

    def stop(self) -> None:
        """Ask the loop to stop fetching and drain; safe to call from a signal handler."""
        self._stopping = True

    def run(self, max_records: int | None = None, timeout_s: float | None = None) -> Counters:
        """Process until stopped (or, for tests, until `max_records` are done or `timeout_s` passes)."""
        self._consumer.subscribe([self._settings.input_topic], listener=self)
        deadline = time.monotonic() + timeout_s if timeout_s else None
        while not self._stopping:
            self._fetch()
            self._collect(BUSY_WAIT_S)
            self._settle()
            self._commit(force=False)
            done = self.counters.articles + sum(self.counters.dead_letters.values())
            if (max_records and done >= max_records and not self._records) or (deadline and time.monotonic() > deadline):
                break
        self._drain()
        return self.counters

    # --- the loop's steps -------------------------------------------------------------------
    def _fetch(self) -> None:
        room = self._settings.in_flight_limit - len(self._records)
        self._set_paused(room <= 0)
        if room <= 0 and time.monotonic() < self._next_membership_poll:
            return  # a poll costs a round trip to the client's I/O thread: only when records fit, or to stay in the group
        self._next_membership_poll = time.monotonic() + MEMBERSHIP_POLL_S
        batch = self._consumer.poll(timeout_ms=0 if self._records else IDLE_POLL_MS, max_records=max(room, 1))
        for partition, messages in batch.items():
            for message in messages:
                record = from_consumer_record(message)
                ticket = (partition, message.offset)
                self._tracker.start(partition, message.offset)
                self._records[ticket] = record
                self._pool.submit(ticket, record)
                self.counters.consumed += 1

    def _collect(self, wait_s: float) -> None:
        for ticket, outcome in self._pool.results(timeout=wait_s if self._records else 0):
            self._send(ticket, self._outgoing(self._records[ticket], outcome), attempt=0)

    def _outgoing(self, record: RawRecord, outcome: Outcome) -> OutgoingRecord:
        if isinstance(outcome, Article):
            return article_record(self._settings.output_topic, outcome)
        log.warning("dead letter", extra={
            "reason": outcome.reason.value, "stage": outcome.stage, "error": outcome.error,
            "detail": outcome.message[:200], "topic": record.origin.topic,
            "partition": record.origin.partition, "offset": record.origin.offset,
        })
        return dead_letter_record(self._settings.dlq_topic, record, outcome)

    def _send(self, ticket: tuple, outgoing: OutgoingRecord, attempt: int) -> None:
        try:
            future = self._producer.send(outgoing.topic, key=outgoing.key, value=outgoing.value, headers=outgoing.headers)
        except MessageSizeTooLargeError as err:
            self._too_large(ticket, err)
            return
        except KafkaError as err:
            self._acks.put((ticket, outgoing, attempt, err))
            return
        future.add_callback(lambda _meta: self._acks.put((ticket, outgoing, attempt, None)))
        future.add_errback(lambda err: self._acks.put((ticket, outgoing, attempt, err)))

    def _too_large(self, ticket: tuple, err: Exception) -> None:
        """An article over the producer's size limit: the original record goes to the dead letters instead."""
        dead_letter = DeadLetter(Reason.TOO_LARGE, "produce", str(err)[:300], type(err).__name__)
        self._send(ticket, self._outgoing(self._records[ticket], dead_letter), attempt=0)

    def _settle(self) -> None:
        """Account for acknowledged records; schedule retries for transient failures."""
        now = time.monotonic()
        while not self._acks.empty():
            ticket, outgoing, attempt, error = self._acks.get()
            if error is None:
                self._acknowledged(ticket, outgoing)
            elif isinstance(error, MessageSizeTooLargeError) and outgoing.topic == self._settings.output_topic:
                self._too_large(ticket, error)
            else:
                delay = RETRY_BACKOFF_S[min(attempt, len(RETRY_BACKOFF_S) - 1)]
                log.warning("produce failed, will retry", extra={"error": repr(error), "attempt": attempt + 1, "delay_s": delay})
                self._retries.append((now + delay, ticket, outgoing, attempt + 1))
        due = [r for r in self._retries if r[0] <= now]
        self._retries = [r for r in self._retries if r[0] > now]
        for _, ticket, outgoing, attempt in due:
            self._send(ticket, outgoing, attempt)

    def _acknowledged(self, ticket: tuple, outgoing: OutgoingRecord) -> None:
        partition, offset = ticket
        self._records.pop(ticket)
        self._tracker.finish(partition, offset)
        if outgoing.topic == self._settings.output_topic:
            self.counters.articles += 1
        else:
            reason = dict(outgoing.headers)["dlq.reason"].decode()
            self.counters.dead_letters[reason] = self.counters.dead_letters.get(reason, 0) + 1

    def _commit(self, force: bool) -> None:
        now = time.monotonic()
        if not force and now < self._next_commit:
            return
        self._next_commit = now + self._settings.commit_interval_s
        positions = self._tracker.committable()
        if not positions:
            return
        offsets = {tp: OffsetAndMetadata(position, "", -1) for tp, position in positions.items()}
        try:
            self._consumer.commit(offsets)
        except KafkaError as err:  # a rebalance took the partitions: the new owner redoes the work (at-least-once)
            log.warning("commit failed", extra={"error": repr(err)})

    def _set_paused(self, paused: bool) -> None:
        """Backpressure: stop fetching while the in-flight limit is reached, keep polling for membership."""
        if paused != self._paused:
            assigned = self._consumer.assignment()
            (self._consumer.pause if paused else self._consumer.resume)(*assigned)
            self._paused = paused

    def _drain(self) -> None:
        """Finish every page in flight, wait for the broker's acknowledgements, commit."""
        while self._records:
            self._collect(BUSY_WAIT_S)
            self._producer.flush()
            self._settle()
            if self._retries and not self._pool.pending:  # nothing to wait on but the next retry
                time.sleep(max(0.0, min(r[0] for r in self._retries) - time.monotonic()))
        self._commit(force=True)

    # --- rebalance listener: called inside poll() ---------------------------------------------
    def on_partitions_revoked(self, revoked) -> None:
        self._drain()
        self._tracker.forget(revoked)
        self._paused = False

    def on_partitions_assigned(self, assigned) -> None:
        log.info("partitions assigned", extra={"partitions": sorted(f"{tp.topic}:{tp.partition}" for tp in assigned)})
