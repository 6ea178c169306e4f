"""The imperative shell: the only code that touches Kafka. Consume, hand pages to the pool, produce
each outcome, and commit an offset once everything below it is acknowledged by the broker."""

from __future__ import annotations

import logging
import queue
import time
from dataclasses import dataclass, field

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.consumer.subscription_state import AsyncConsumerRebalanceListener
from kafka.errors import KafkaError, MessageSizeTooLargeError
from kafka.structs import OffsetAndMetadata

from worker.commits import CommitTracker
from worker.model import Article, DeadLetter, Outcome, RawRecord, Reason
from worker.pool import ExtractorPool
from worker.records import OutgoingRecord, article_record, dead_letter_record, from_consumer_record
from worker.settings import Settings
from worker.telemetry import Health, Metrics

log = logging.getLogger(__name__)
IDLE_POLL_MS = 200  # how long poll() blocks when no page is in flight
BUSY_WAIT_S = 0.02  # how long to wait for extractor results while pages are in flight
RETRY_BACKOFF_S = (0.5, 1, 2, 5, 10)  # produce retries after a transient broker failure
HELD_PER_IN_FLIGHT = 4  # consumed records held, as a multiple of --max-in-flight, outputs awaiting acks included
MEMBERSHIP_POLL_S = 1.0  # while full, poll this often anyway: rebalances are handled inside poll()
GAUGE_INTERVAL_S = 5.0  # lag and restarts are refreshed this often; cheap, but not per record

# A page in flight: its partition, its offset, and the partition's ownership epoch when it was consumed.
# The epoch goes up when the partition is revoked, so late results of pages given away are dropped.
Ticket = tuple[TopicPartition, int, int]


class TransactionFailed(Exception):
    """Exactly-once: a transaction could not be committed. The process exits; its outputs stay invisible to
    read_committed consumers and the input is redone from the last committed offset after the restart."""


@dataclass
class Counters:
    consumed: int = 0
    articles: int = 0
    dead_letters: dict[str, int] = field(default_factory=dict)


class Runner:
    def __init__(self, settings: Settings, consumer: KafkaConsumer, producer: KafkaProducer, pool: ExtractorPool,
                 metrics: Metrics, health: Health):
        self._settings = settings
        self._metrics = metrics
        self._health = health
        self._consumer = consumer
        self._producer = producer
        self._pool = pool
        self._tracker = CommitTracker()
        self._records: dict[Ticket, RawRecord] = {}
        self._epochs: dict[TopicPartition, int] = {}
        self._resume: dict[TopicPartition, int] = {}  # revoked partitions' first abandoned offset
        self._acks: queue.SimpleQueue = queue.SimpleQueue()  # filled by the producer's I/O thread
        self._retries: list[tuple[float, Ticket, OutgoingRecord, int]] = []
        self._ready: dict[Ticket, OutgoingRecord] = {}  # exactly-once: outputs waiting for the next transaction
        self._unsent_commits: dict[TopicPartition, OffsetAndMetadata] = {}  # from a commit that failed
        self._paused = False
        self._stopping = False
        self._next_commit = 0.0
        self._next_membership_poll = 0.0
        self._next_gauges = 0.0
        self._next_summary = time.monotonic() + settings.summary_interval_s
        self._positions: dict[TopicPartition, int] = {}  # next offset to consume, for the lag
        self._restarts_seen = 0
        self._done_at_summary = 0
        self.counters = Counters()

    def stop(self) -> None:
        """Ask the loop to stop fetching and drain; safe to call from a signal handler."""
        self._stopping = True

    def run(self, max_records: int | None = None, timeout_s: float | None = None) -> Counters:
        """Process until stopped (or, for tests, until `max_records` are done or `timeout_s` passes)."""
        self._consumer.subscribe([self._settings.input_topic], listener=Rebalance(self, self._consumer))
        deadline = time.monotonic() + timeout_s if timeout_s else None
        while not self._stopping:
            self._fetch()
            self._collect(BUSY_WAIT_S)
            self._settle()
            # exactly-once: outputs wait for the transaction; a full batch goes without waiting for the interval
            self._commit(force=len(self._ready) >= self._settings.in_flight_limit)
            self._observe()
            done = self.counters.articles + sum(self.counters.dead_letters.values())
            if (max_records and done >= max_records and not self._records) or (deadline and time.monotonic() > deadline):
                break
        self._drain()
        return self.counters

    # --- the loop's steps -------------------------------------------------------------------
    def _fetch(self) -> None:
        # Pages being extracted count against the limit. Outputs waiting for the broker's acknowledgement (or
        # the next transaction) do not, or the producer's linger would cap the pace; the records they hold
        # are bounded apart, so that memory stays flat while the broker is slow or away.
        limit = self._settings.in_flight_limit
        room = min(limit - self._pool.pending, HELD_PER_IN_FLIGHT * limit - len(self._records))
        self._set_paused(room <= 0)
        if room <= 0 and time.monotonic() < self._next_membership_poll:
            return  # a poll costs a round trip to the client's I/O thread: only when records fit, or to stay in the group
        self._next_membership_poll = time.monotonic() + MEMBERSHIP_POLL_S
        batch = self._consumer.poll(timeout_ms=0 if self._records else IDLE_POLL_MS, max_records=max(room, 1))
        for partition, messages in batch.items():
            for message in messages:
                record = from_consumer_record(message)
                ticket = (partition, message.offset, self._epochs.get(partition, 0))
                self._tracker.start(partition, message.offset)
                self._records[ticket] = record
                self._pool.submit(ticket, record)
                self._positions[partition] = message.offset + 1
                self.counters.consumed += 1
                self._metrics.records_in.inc()

    def _owned(self, ticket: Ticket) -> bool:
        """Still ours: its partition was not revoked since the page was consumed (if not, it is forgotten)."""
        owned = ticket[2] == self._epochs.get(ticket[0], 0)
        if not owned:
            self._records.pop(ticket, None)
        return owned

    def _collect(self, wait_s: float) -> None:
        for ticket, outcome, seconds in self._pool.results(timeout=wait_s if self._records else 0):
            self._metrics.extraction_seconds.observe(seconds)
            if not self._owned(ticket):
                continue
            outgoing = self._outgoing(self._records[ticket], outcome)
            if self._settings.exactly_once:  # written with its offset, in the next transaction
                self._ready[ticket] = outgoing
                self._tracker.finish(ticket[0], ticket[1])
            else:
                self._send(ticket, outgoing, attempt=0)

    def _outgoing(self, record: RawRecord, outcome: Outcome) -> OutgoingRecord:
        if isinstance(outcome, Article):
            return article_record(self._settings.output_topic, outcome)
        log.warning("dead letter", extra={
            "reason": outcome.reason.value, "stage": outcome.stage, "error": outcome.error,
            "detail": outcome.message[:200], "topic": record.origin.topic,
            "partition": record.origin.partition, "offset": record.origin.offset,
        })
        return dead_letter_record(self._settings.dlq_topic, record, outcome)

    def _oversized(self, outgoing: OutgoingRecord) -> str | None:
        if outgoing.topic == self._settings.output_topic and len(outgoing.value) > self._settings.max_message_bytes:
            return f"article of {len(outgoing.value)} bytes is over the limit of {self._settings.max_message_bytes}"
        return None

    def _send(self, ticket: Ticket, outgoing: OutgoingRecord, attempt: int) -> None:
        is_article = outgoing.topic == self._settings.output_topic
        if reason := self._oversized(outgoing):
            self._too_large(ticket, reason)
            return
        try:
            future = self._producer.send(outgoing.topic, key=outgoing.key, value=outgoing.value, headers=outgoing.headers)
        except MessageSizeTooLargeError as err:
            if is_article:
                self._too_large(ticket, str(err))
            else:  # a dead letter is never cut: retried, loudly, until the topic takes it
                self._acks.put((ticket, outgoing, attempt, err))
            return
        except KafkaError as err:
            self._acks.put((ticket, outgoing, attempt, err))
            return
        future.add_callback(lambda _meta: self._acks.put((ticket, outgoing, attempt, None)))
        future.add_errback(lambda err: self._acks.put((ticket, outgoing, attempt, err)))

    def _too_large(self, ticket: Ticket, message: str) -> None:
        self._send(ticket, self._too_large_record(ticket, message), attempt=0)

    def _too_large_record(self, ticket: Ticket, message: str) -> OutgoingRecord:
        """An article over the size limit: the original record goes to the dead letters instead."""
        dead_letter = DeadLetter(Reason.TOO_LARGE, "produce", message[:300], "MessageSizeTooLargeError")
        return self._outgoing(self._records[ticket], dead_letter)

    def _settle(self) -> None:
        self._take_acks()
        now = time.monotonic()
        due = [r for r in self._retries if r[0] <= now]
        self._retries = [r for r in self._retries if r[0] > now]
        for _, ticket, outgoing, attempt in due:
            if self._owned(ticket):
                self._send(ticket, outgoing, attempt)

    def _take_acks(self) -> None:
        """Account for acknowledged records; schedule retries for transient failures."""
        while not self._acks.empty():
            ticket, outgoing, attempt, error = self._acks.get()
            if not self._owned(ticket):
                continue
            if error is None:
                self._acknowledged(ticket, outgoing)
            elif isinstance(error, MessageSizeTooLargeError) and outgoing.topic == self._settings.output_topic:
                self._too_large(ticket, str(error))  # the broker's limit is lower than ours
            else:
                delay = RETRY_BACKOFF_S[min(attempt, len(RETRY_BACKOFF_S) - 1)]
                level = logging.ERROR if isinstance(error, MessageSizeTooLargeError) else logging.WARNING
                log.log(level, "produce failed, will retry", extra={
                    "topic": outgoing.topic, "error": repr(error), "attempt": attempt + 1, "delay_s": delay})
                self._retries.append((time.monotonic() + delay, ticket, outgoing, attempt + 1))

    def _acknowledged(self, ticket: Ticket, outgoing: OutgoingRecord) -> None:
        self._tracker.finish(ticket[0], ticket[1])
        self._count(ticket, outgoing)

    def _count(self, ticket: Ticket, outgoing: OutgoingRecord) -> None:
        """A record is done: its output is written for good."""
        record = self._records.pop(ticket)
        if record.timestamp_ms:
            self._metrics.end_to_end_seconds.observe(max(0.0, time.time() - record.timestamp_ms / 1000))
        if outgoing.topic == self._settings.output_topic:
            self.counters.articles += 1
            self._metrics.articles_out.inc()
        else:
            reason = dict(outgoing.headers)["dlq.reason"].decode()
            self.counters.dead_letters[reason] = self.counters.dead_letters.get(reason, 0) + 1
            self._metrics.dead_letters.labels(reason).inc()

    def _commit(self, force: bool) -> None:
        now = time.monotonic()
        if not force and now < self._next_commit:
            return
        self._next_commit = now + self._settings.commit_interval_s
        offsets = {**self._unsent_commits, **self._committable()}  # newer positions win
        if not offsets:
            return
        if self._settings.exactly_once:
            self._commit_transaction(offsets)
            return
        try:
            self._consumer.commit(offsets)
            self._unsent_commits = {}
        except KafkaError as err:  # broker away, or a rebalance: tried again at the next commit
            self._unsent_commits = offsets
            log.warning("commit failed, will retry", extra={"error": repr(err)})

    def _commit_transaction(self, offsets: dict[TopicPartition, OffsetAndMetadata]) -> None:
        """The outputs of every record below the new offsets, and the offsets themselves, atomically."""
        batch = sorted((t for t in self._ready if t[0] in offsets and t[1] < offsets[t[0]].offset),
                       key=lambda t: (t[0].topic, t[0].partition, t[1]))
        try:
            self._producer.begin_transaction()
            for ticket in batch:
                outgoing = self._ready[ticket]
                if reason := self._oversized(outgoing):
                    outgoing = self._ready[ticket] = self._too_large_record(ticket, reason)
                self._producer.send(outgoing.topic, key=outgoing.key, value=outgoing.value, headers=outgoing.headers)
            self._producer.send_offsets_to_transaction(offsets, self._consumer.group_metadata())
            self._producer.commit_transaction()
        except KafkaError as err:
            log.error("transaction failed: exiting, the input will be redone", extra={"error": repr(err)})
            raise TransactionFailed(repr(err)) from err
        for ticket in batch:
            self._count(ticket, self._ready.pop(ticket))

    def _committable(self, partitions=None) -> dict[TopicPartition, OffsetAndMetadata]:
        positions = self._tracker.committable(partitions)
        return {tp: OffsetAndMetadata(position, "", -1) for tp, position in positions.items()}

    def _observe(self) -> None:
        """Heartbeat for liveness; now and then, gauges and a summary line."""
        self._health.beat()
        now = time.monotonic()
        if now < self._next_gauges:
            return
        self._next_gauges = now + GAUGE_INTERVAL_S
        self._metrics.in_flight.set(len(self._records))
        self._metrics.extractor_restarts.inc(self._pool.restarts - self._restarts_seen)
        self._restarts_seen = self._pool.restarts
        lag = self._lag()
        for partition, behind in lag.items():
            self._metrics.consumer_lag.labels(partition.topic, str(partition.partition)).set(behind)
        if now >= self._next_summary:
            done = self.counters.articles + sum(self.counters.dead_letters.values())
            interval = self._settings.summary_interval_s + now - self._next_summary
            log.info("summary", extra={
                "records_per_s": round((done - self._done_at_summary) / interval, 2), "lag": sum(lag.values()),
                "in_flight": len(self._records), "articles": self.counters.articles,
                "dead_letters": dict(self.counters.dead_letters),
            })
            self._next_summary, self._done_at_summary = now + self._settings.summary_interval_s, done

    def _lag(self) -> dict[TopicPartition, int]:
        """Records between what this worker has consumed and each partition's end, as the last fetch saw it."""
        lag = {}
        for partition in self._consumer.assignment():
            end, position = self._consumer.highwater(partition), self._positions.get(partition)
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
        while len(self._records) > len(self._ready):  # exactly-once: the rest goes in the last transaction
            self._collect(BUSY_WAIT_S)
            self._producer.flush()
            self._settle()
            if self._retries and not self._pool.pending:  # nothing to wait on but the next retry
                time.sleep(max(0.0, min(r[0] for r in self._retries) - time.monotonic()))
        self._commit(force=True)

    def release(self, revoked) -> dict[TopicPartition, OffsetAndMetadata]:
        """Partitions are being taken away: what is acknowledged is committed; pages still in flight are
        dropped when they come back, and the partitions' next owner does them again (at-least-once)."""
        self._take_acks()
        # Exactly-once commits offsets only in transactions: what is not yet committed is redone instead.
        offsets = {} if self._settings.exactly_once else {
            **{tp: meta for tp, meta in self._unsent_commits.items() if tp in revoked}, **self._committable(revoked)}
        self._unsent_commits = {tp: meta for tp, meta in self._unsent_commits.items() if tp not in revoked}
        for ticket in [t for t in self._ready if t[0] in revoked]:  # never sent: no acknowledgement will free them
            del self._ready[ticket]
            del self._records[ticket]
        self._resume = self._tracker.forget(revoked)
        self._health.in_group = False
        for partition in revoked:
            if self._positions.pop(partition, None) is not None:
                self._metrics.forget_partition(partition.topic, partition.partition)
        for partition in revoked:
            self._epochs[partition] = self._epochs.get(partition, 0) + 1
        self._paused = False  # a new assignment starts unpaused
        return offsets

    def resume(self, assigned) -> None:
        """A partition that comes back keeps its fetch position, past the pages abandoned on revocation:
        go back to the first of them (others' new owners start from the committed offset, which is there)."""
        for partition in assigned:
            if partition in self._resume:
                self._consumer.seek(partition, self._resume[partition])
        self._resume = {}
        self._health.in_group = True


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
