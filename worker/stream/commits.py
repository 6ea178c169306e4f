"""Per-partition commit tracking: records finish out of order, offsets are committed in order."""

from __future__ import annotations

from collections import deque


class PartitionOffsets:
    """Offsets of one partition in the order they were consumed, and which of them are finished."""

    def __init__(self) -> None:
        self._started: deque[int] = deque()
        self._done: set[int] = set()
        self._last_started = -1

    def start(self, offset: int) -> None:
        if offset <= self._last_started:
            raise ValueError(f"offset {offset} consumed after {self._last_started}: offsets must grow")
        self._started.append(offset)
        self._last_started = offset

    def finish(self, offset: int) -> None:
        self._done.add(offset)

    def committable(self) -> int | None:
        """The next offset to commit (highest contiguous finished + 1), or None if nothing new finished."""
        position = None
        while self._started and self._started[0] in self._done:
            offset = self._started.popleft()
            self._done.discard(offset)
            position = offset + 1
        return position

    @property
    def first_uncommitted(self) -> int | None:
        """Where consumption must resume if everything not yet committed is abandoned."""
        return self._started[0] if self._started else None

    @property
    def in_flight(self) -> int:
        """Started and not yet finished."""
        return len(self._started) - len(self._done)


class CommitTracker:
    """Commit positions for every partition the worker owns, keyed by (topic, partition)."""

    def __init__(self) -> None:
        self._partitions: dict[object, PartitionOffsets] = {}

    def start(self, partition: object, offset: int) -> None:
        self._partitions.setdefault(partition, PartitionOffsets()).start(offset)

    def finish(self, partition: object, offset: int) -> None:
        self._partitions[partition].finish(offset)

    def committable(self, partitions=None) -> dict[object, int]:
        """New commit positions, for all partitions or the given ones."""
        chosen = self._partitions if partitions is None else {p: self._partitions[p] for p in partitions if p in self._partitions}
        positions = {p: offsets.committable() for p, offsets in chosen.items()}
        return {p: position for p, position in positions.items() if position is not None}

    def forget(self, partitions) -> dict[object, int]:
        """Stop tracking these partitions; returns where each must resume, for those with pages in flight."""
        resume = {}
        for partition in partitions:
            offsets = self._partitions.pop(partition, None)
            if offsets is not None and offsets.first_uncommitted is not None:
                resume[partition] = offsets.first_uncommitted
        return resume

    @property
    def in_flight(self) -> int:
        return sum(offsets.in_flight for offsets in self._partitions.values())
