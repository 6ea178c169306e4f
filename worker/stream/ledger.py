"""What the loop owes: records consumed and not yet written for good, their tickets, the partitions'
ownership epochs, and the produce retries still to make. No I/O; the loop and the commit strategies
ask it and tell it."""

from __future__ import annotations

from typing import NamedTuple

from kafka import TopicPartition

from worker.core.model import RawRecord
from worker.stream.commits import CommitTracker
from worker.stream.records import OutgoingRecord


class Ticket(NamedTuple):
    """A page in flight. The epoch goes up when its partition is revoked, so late results of pages given
    away are recognized and dropped."""

    partition: TopicPartition
    offset: int
    epoch: int


class Retry(NamedTuple):
    at: float  # monotonic time
    ticket: Ticket
    outgoing: OutgoingRecord
    attempt: int


class Ledger:
    def __init__(self) -> None:
        self._tracker = CommitTracker()
        self._records: dict[Ticket, RawRecord] = {}
        self._epochs: dict[TopicPartition, int] = {}
        self._resume: dict[TopicPartition, int] = {}  # revoked partitions' first abandoned offset
        self._retries: list[Retry] = []
        self.positions: dict[TopicPartition, int] = {}  # next offset to consume, for the lag

    def admit(self, partition: TopicPartition, offset: int, record: RawRecord) -> Ticket:
        ticket = Ticket(partition, offset, self._epochs.get(partition, 0))
        self._tracker.start(partition, offset)
        self._records[ticket] = record
        self.positions[partition] = offset + 1
        return ticket

    @property
    def held(self) -> int:
        """Records consumed and not yet written for good: being extracted, awaiting acks or the transaction."""
        return len(self._records)

    def owns(self, ticket: Ticket) -> bool:
        """Still ours: its partition was not revoked since the page was consumed (if not, it is forgotten)."""
        owned = ticket.epoch == self._epochs.get(ticket.partition, 0)
        if not owned:
            self._records.pop(ticket, None)
        return owned

    def record(self, ticket: Ticket) -> RawRecord:
        return self._records[ticket]

    def finish(self, ticket: Ticket) -> None:
        """Its output is written, or will be in the transaction that commits its offset."""
        self._tracker.finish(ticket.partition, ticket.offset)

    def close(self, ticket: Ticket) -> RawRecord:
        """Its output is written for good: the record is let go."""
        return self._records.pop(ticket)

    def drop(self, partitions) -> list[Ticket]:
        """Let go of every record of these partitions (their outputs will never be written by us)."""
        dropped = [ticket for ticket in self._records if ticket.partition in partitions]
        for ticket in dropped:
            del self._records[ticket]
        return dropped

    def committable(self, partitions=None) -> dict[TopicPartition, int]:
        """Next offsets to commit: below each, every record is finished."""
        return self._tracker.committable(partitions)

    def retry(self, retry: Retry) -> None:
        self._retries.append(retry)

    def due(self, now: float) -> list[Retry]:
        """Retries whose time has come, of records still ours."""
        due = [r for r in self._retries if r.at <= now]
        self._retries = [r for r in self._retries if r.at > now]
        return [r for r in due if self.owns(r.ticket)]

    @property
    def next_retry(self) -> float | None:
        return min((r.at for r in self._retries), default=None)

    def revoke(self, partitions) -> list[TopicPartition]:
        """Partitions taken away: what is in flight for them is abandoned, and redone by their next owner.
        Returns those this worker had consumed from."""
        self._resume = self._tracker.forget(partitions)
        consumed = [partition for partition in partitions if self.positions.pop(partition, None) is not None]
        for partition in partitions:
            self._epochs[partition] = self._epochs.get(partition, 0) + 1
        return consumed

    def take_resume_positions(self) -> dict[TopicPartition, int]:
        """Where partitions revoked last must restart if they come back (the fetch position is past them)."""
        resume, self._resume = self._resume, {}
        return resume
