"""What a replay group has done with the dead letters of one partition, kept in its committed offset.

The offset is the first dead letter not yet handled (replayed, or refused for good); the commit's metadata
lists the offsets above it that are handled too. A filtered replay thus leaves the records it did not select
replayable by a later run of the same group, and that run does not replay the others a second time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

METADATA_LIMIT = 4096  # the broker's offset.metadata.max.bytes, by default


class TooScattered(Exception):
    """The handled offsets above the first unhandled one do not fit in the commit's metadata."""


@dataclass(frozen=True, slots=True)
class Progress:
    start: int  # every dead letter below is handled
    handled: frozenset[int] = frozenset()  # handled offsets above `start`

    def encode(self) -> str:
        """Offset ranges, `first-last` or `offset`, comma-separated."""
        ranges: list[list[int]] = []
        for offset in sorted(self.handled):
            if ranges and ranges[-1][1] == offset - 1:
                ranges[-1][1] = offset
            else:
                ranges.append([offset, offset])
        text = ",".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
        if len(text.encode()) > METADATA_LIMIT:
            raise TooScattered(f"{len(ranges)} ranges of handled offsets above offset {self.start}")
        return text

    @classmethod
    def decode(cls, start: int, metadata: str) -> Progress:
        """The progress of a commit; metadata that is not ours (another tool's commit) counts for nothing."""
        handled: set[int] = set()
        try:
            for part in filter(None, metadata.split(",")):
                first, _, last = part.partition("-")
                handled.update(range(int(first), int(last or first) + 1))
        except ValueError:
            return cls(start)
        return cls(start, frozenset(o for o in handled if o > start))

    def advance(self, offsets: Iterable[int], handled: Iterable[int], end: int) -> Progress:
        """After a run that read the dead letters at `offsets` (from `start` up to `end`) and handled those
        at `handled`: the new start is the first one read and still not handled, else `end`."""
        done = self.handled | set(handled)
        start = next((o for o in sorted(offsets) if o not in done), end)
        return Progress(start, frozenset(o for o in done if o > start))
