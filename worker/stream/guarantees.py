"""The two delivery guarantees, one interface: how an outcome reaches its topic and when offsets commit.

At-least-once produces each output at once and commits the offsets the broker has acknowledged
everything below. Exactly-once holds the outputs and writes them with their offsets in one Kafka
transaction per commit interval.
"""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Callable
from typing import Protocol

from kafka.errors import CommitFailedError, KafkaError, MessageSizeTooLargeError
from kafka.structs import OffsetAndMetadata, TopicPartition

from worker.stream import backoff
from worker.stream.ledger import Ledger, Retry, Ticket
from worker.stream.records import Kind, OutgoingRecord, Outputs

log = logging.getLogger(__name__)
RETRY_BACKOFF_S = (0.5, 1, 2, 5, 10)  # produce retries after a transient broker failure
Written = Callable[[Ticket, OutgoingRecord], None]  # an output is written for good


class TransactionFailed(Exception):
    """Exactly-once: a transaction could not be committed. The process exits; its outputs stay invisible to
    read_committed consumers and the input is redone from the last committed offset after the restart."""


def _fatal(error: KafkaError) -> TransactionFailed:
    log.error("transaction failed: exiting, the input will be redone", extra={"error": repr(error)})
    return TransactionFailed(repr(error))


class Guarantee(Protocol):
    @property
    def waiting(self) -> int:
        """Outputs held back for the next commit."""

    def accept(self, ticket: Ticket, outgoing: OutgoingRecord) -> None:
        """An outcome is ready to go to its topic."""

    def settle(self) -> None:
        """Account for what the broker acknowledged; make the retries that are due."""

    def commit(self, force: bool = False) -> None:
        """Commit what may be committed, if the interval has passed (or when forced)."""

    def release(self, revoked) -> dict[TopicPartition, OffsetAndMetadata]:
        """Partitions are taken away: the offsets to commit for them before they go."""

    def flush(self) -> None:
        """Wait for what was sent."""


def _offsets(positions: dict[TopicPartition, int]) -> dict[TopicPartition, OffsetAndMetadata]:
    return {tp: OffsetAndMetadata(position, "", -1) for tp, position in positions.items()}


class _Interval:
    def __init__(self, seconds: float) -> None:
        self._seconds = seconds
        self._next = 0.0

    def due(self, force: bool) -> bool:
        now = time.monotonic()
        if not force and now < self._next:
            return False
        self._next = now + self._seconds
        return True


class AtLeastOnce:
    def __init__(self, consumer, producer, ledger: Ledger, outputs: Outputs, commit_interval_s: float,
                 written: Written) -> None:
        self._consumer, self._producer, self._ledger, self._outputs = consumer, producer, ledger, outputs
        self._interval = _Interval(commit_interval_s)
        self._written = written
        self._acks: queue.SimpleQueue = queue.SimpleQueue()  # filled by the producer's I/O thread
        self._unsent: dict[TopicPartition, OffsetAndMetadata] = {}  # from a commit that failed
        self.waiting = 0

    def accept(self, ticket: Ticket, outgoing: OutgoingRecord) -> None:
        self._send(ticket, outgoing, attempt=0)

    def _send(self, ticket: Ticket, outgoing: OutgoingRecord, attempt: int) -> None:
        if reason := self._outputs.oversized(outgoing):
            self._send(ticket, self._outputs.too_large(self._ledger.record(ticket), reason), attempt=0)
            return
        try:
            future = self._producer.send(outgoing.topic, key=outgoing.key, value=outgoing.value, headers=outgoing.headers)
        except KafkaError as err:  # a dead letter is never cut: too large for the topic, it is retried, loudly
            self._acks.put((ticket, outgoing, attempt, err))
            return
        future.add_callback(lambda _meta: self._acks.put((ticket, outgoing, attempt, None)))
        future.add_errback(lambda err: self._acks.put((ticket, outgoing, attempt, err)))

    def settle(self) -> None:
        self._take_acks()
        for retry in self._ledger.due(time.monotonic()):
            self._send(retry.ticket, retry.outgoing, retry.attempt)

    def _take_acks(self) -> None:
        """Account for acknowledged records; schedule retries for transient failures."""
        while not self._acks.empty():
            ticket, outgoing, attempt, error = self._acks.get()
            if not self._ledger.owns(ticket):
                continue
            if error is None:
                self._ledger.finish(ticket)
                self._written(ticket, outgoing)
            elif isinstance(error, MessageSizeTooLargeError) and outgoing.kind is Kind.ARTICLE:
                self._send(ticket, self._outputs.too_large(self._ledger.record(ticket), str(error)), attempt=0)
            else:
                delay = backoff.delay(RETRY_BACKOFF_S, attempt)
                level = logging.ERROR if isinstance(error, MessageSizeTooLargeError) else logging.WARNING
                log.log(level, "produce failed, will retry", extra={
                    "topic": outgoing.topic, "error": repr(error), "attempt": attempt + 1, "delay_s": round(delay, 2)})
                self._ledger.retry(Retry(time.monotonic() + delay, ticket, outgoing, attempt + 1))

    def commit(self, force: bool = False) -> None:
        if not self._interval.due(force):
            return
        offsets = {**self._unsent, **_offsets(self._ledger.committable())}  # newer positions win
        if not offsets:
            return
        try:
            self._consumer.commit(offsets)
            self._unsent = {}
        except KafkaError as err:  # broker away, or a rebalance: tried again at the next commit
            self._unsent = offsets
            log.warning("commit failed, will retry", extra={"error": repr(err)})

    def release(self, revoked) -> dict[TopicPartition, OffsetAndMetadata]:
        self._take_acks()
        offsets = {**{tp: meta for tp, meta in self._unsent.items() if tp in revoked},
                   **_offsets(self._ledger.committable(revoked))}
        self._unsent = {tp: meta for tp, meta in self._unsent.items() if tp not in revoked}
        return offsets

    def flush(self) -> None:
        self._producer.flush()


class Transactional:
    def __init__(self, consumer, producer, ledger: Ledger, outputs: Outputs, commit_interval_s: float,
                 written: Written) -> None:
        self._consumer, self._producer, self._ledger, self._outputs = consumer, producer, ledger, outputs
        self._interval = _Interval(commit_interval_s)
        self._written = written
        self._ready: dict[Ticket, OutgoingRecord] = {}  # outputs waiting for the next transaction
        self._unsent: dict[TopicPartition, OffsetAndMetadata] = {}  # offsets of an aborted transaction

    @property
    def waiting(self) -> int:
        return len(self._ready)

    def accept(self, ticket: Ticket, outgoing: OutgoingRecord) -> None:
        self._ready[ticket] = outgoing  # written with its offset, in the next transaction
        self._ledger.finish(ticket)

    def settle(self) -> None:
        pass  # nothing is sent outside a transaction

    def commit(self, force: bool = False) -> None:
        """The outputs of every record below the new offsets, and the offsets themselves, atomically."""
        if not self._interval.due(force):
            return
        offsets = {**self._unsent, **_offsets(self._ledger.committable())}  # newer positions win
        if not offsets:
            return
        batch = sorted((t for t in self._ready if t.partition in offsets and t.offset < offsets[t.partition].offset),
                       key=lambda t: (t.partition.topic, t.partition.partition, t.offset))
        try:
            self._producer.begin_transaction()
            for ticket in batch:
                outgoing = self._ready[ticket]
                if reason := self._outputs.oversized(outgoing):
                    outgoing = self._ready[ticket] = self._outputs.too_large(self._ledger.record(ticket), reason)
                self._producer.send(outgoing.topic, key=outgoing.key, value=outgoing.value, headers=outgoing.headers)
            self._producer.send_offsets_to_transaction(offsets, self._consumer.group_metadata())
            self._producer.commit_transaction()
        except CommitFailedError as err:  # KIP-447: the group moved on since its metadata was read; abortable
            self._abort(err)
            self._unsent = offsets
            return
        except KafkaError as err:
            raise _fatal(err) from err
        self._unsent = {}
        for ticket in batch:
            self._written(ticket, self._ready.pop(ticket))

    def _abort(self, cause: KafkaError) -> None:
        """Outputs stay ready for the next transaction, but those of partitions the rebalance takes away."""
        try:
            self._producer.abort_transaction()
        except KafkaError as err:
            raise _fatal(err) from err
        log.warning("transaction aborted: the consumer group rebalanced; its outputs go in the next one",
                    extra={"error": repr(cause)})

    def release(self, revoked) -> dict[TopicPartition, OffsetAndMetadata]:
        """Offsets commit only in transactions: what is not yet committed is redone by the next owner."""
        for ticket in self._ledger.drop(revoked):  # never sent: no acknowledgement will free them
            self._ready.pop(ticket, None)
        self._unsent = {tp: meta for tp, meta in self._unsent.items() if tp not in revoked}
        return {}

    def flush(self) -> None:
        self._producer.flush()
