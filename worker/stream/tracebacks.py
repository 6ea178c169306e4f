"""Which unexpected errors are new: the first dead letter of each distinct error has its traceback logged in
full, later ones only their one-line dead-letter warning (a bug hit by every page must not flood the log)."""

from __future__ import annotations

from collections import OrderedDict

MAX_REMEMBERED = 1000  # distinct errors kept in mind; the oldest is forgotten, and logged again if it recurs


def signature(error: str, stacktrace: str) -> tuple[str, str]:
    """An error is the same when its class and the innermost frame that raised it are: messages differ by page."""
    frames = [line.strip() for line in stacktrace.splitlines() if line.lstrip().startswith('File "')]
    return error, frames[-1] if frames else stacktrace.strip()[-200:]


class FirstOccurrences:
    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()
        self._limit = limit

    def first(self, error: str, stacktrace: str) -> bool:
        """True the first time this error is seen (again, once forgotten)."""
        key = signature(error, stacktrace)
        if key in self._seen:
            self._seen.move_to_end(key)
            return False
        self._seen[key] = None
        if len(self._seen) > self._limit:
            self._seen.popitem(last=False)
        return True
