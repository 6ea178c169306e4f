"""Waiting with a deadline. Every wait in the tests and the benchmarks ends, by success or by raising."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class DeadlineExceeded(AssertionError):
    """A wait ran out of time. An AssertionError, so that pytest reports it as a failed test."""


class Deadline:
    """`seconds` from now, for loops that wait on something else (a consumer poll, a child process)."""

    def __init__(self, seconds: float, what: str = "condition") -> None:
        self.seconds, self.what = seconds, what
        self.end = time.monotonic() + seconds

    @property
    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    @property
    def expired(self) -> bool:
        return time.monotonic() >= self.end

    def error(self) -> DeadlineExceeded:
        return DeadlineExceeded(f"timed out after {self.seconds} s waiting for {self.what}")

    def check(self) -> None:
        """Raises DeadlineExceeded once the deadline has passed."""
        if self.expired:
            raise self.error()


def wait_until(condition: Callable[[], T], timeout: float, interval: float = 0.2, message: str = "condition") -> T:
    """Poll `condition` until it returns something truthy, and return that; raise DeadlineExceeded after
    `timeout` seconds. For state that can only be polled (a consumer group, a topic, a log file)."""
    deadline = Deadline(timeout, message)
    while not deadline.expired:
        result = condition()
        if result:
            return result
        time.sleep(min(interval, deadline.remaining))
    raise deadline.error()
