"""A pool of extractor processes with a per-page time limit.

trafilatura is neither thread-safe nor interruptible, so each page runs in a process of its own
pool slot; a page that overruns its limit gets its process killed and replaced. Processes are
also recycled after a number of pages, so that library caches cannot grow without bound.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import NamedTuple

from worker.core.model import DeadLetter, Outcome, RawRecord, Reason

log = logging.getLogger(__name__)
Task = Callable[[RawRecord], Outcome]


class Finished(NamedTuple):
    ticket: Hashable
    outcome: Outcome
    seconds: float  # from dispatch to a process until the result (or the kill)


@dataclass(frozen=True, slots=True)
class PoolSettings:
    processes: int
    timeout_s: float
    recycle_after: int


def _serve(connection: Connection, task: Task) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it drains us first
    while True:
        try:
            ticket, record = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):  # the parent is gone (even by kill -9): so are we
            return
        connection.send((ticket, task(record)))


class _Slot:
    def __init__(self, context, task: Task) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, task), daemon=True)
        self.process.start()
        child.close()
        self.ticket: Hashable | None = None
        self.started = 0.0
        self.deadline = 0.0
        self.served = 0

    def send(self, ticket: Hashable, record: RawRecord, timeout_s: float) -> None:
        self.connection.send((ticket, record))
        self.started = time.monotonic()
        self.ticket, self.deadline = ticket, self.started + timeout_s

    def stop(self, kill: bool = False) -> None:
        self.connection.close()
        if kill:
            self.process.kill()
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class ExtractorPool:
    """Runs `task` on records in worker processes; results come back as (ticket, outcome) pairs."""

    def __init__(self, task: Task, settings: PoolSettings, warm_up: RawRecord | None = None,
                 start_method: str = "forkserver", preload: tuple[str, ...] = ()) -> None:
        """`warm_up`: a record each new process runs before real ones, so that no real one pays for loading.
        `preload`: modules the forkserver imports once, before it forks the first process (worker/warm.py)."""
        self._task = task
        self._warm_up = warm_up
        self._settings = settings
        self._context = multiprocessing.get_context(start_method)
        if preload:
            self._context.set_forkserver_preload(list(preload))
        self._slots = [self._new_slot() for _ in range(settings.processes)]
        self._queue: deque[tuple[Hashable, RawRecord]] = deque()
        self.restarts = 0

    def _new_slot(self) -> _Slot:
        slot = _Slot(self._context, self._task)
        if self._warm_up is not None:
            slot.send(None, self._warm_up, self._settings.timeout_s)
        return slot

    def warm_up(self) -> None:
        """Wait until every process has run its warm-up page."""
        while any(slot.ticket is None and slot.deadline for slot in self._slots):
            self.results(timeout=self._settings.timeout_s)

    def submit(self, ticket: Hashable, record: RawRecord) -> None:
        self._queue.append((ticket, record))
        self._dispatch()

    @property
    def pending(self) -> int:
        return len(self._queue) + sum(slot.deadline > 0 for slot in self._slots)

    def results(self, timeout: float) -> list[Finished]:
        """Finished pages, waiting up to `timeout` seconds for the first; timed-out pages come back as dead letters."""
        busy = {slot.connection: slot for slot in self._slots if slot.deadline}
        if not busy:
            return []
        nearest = min(slot.deadline for slot in busy.values()) - time.monotonic()
        ready = wait(list(busy), timeout=max(0.0, min(timeout, nearest)))
        finished = []
        for connection in ready:
            slot = busy[connection]
            seconds = time.monotonic() - slot.started
            try:
                ticket, outcome = connection.recv()
            except (EOFError, OSError):
                ticket, outcome = slot.ticket, self._crashed(slot)
                self._replace(slot, kill=True)
            else:
                self._release(slot)
            if ticket is not None:
                finished.append(Finished(ticket, outcome, seconds))
        now = time.monotonic()
        for slot in busy.values():
            if slot.deadline and slot.deadline <= now and slot.connection not in ready:
                if slot.ticket is not None:
                    finished.append(Finished(slot.ticket, self._timed_out(), now - slot.started))
                self._replace(slot, kill=True)
        self._dispatch()
        return finished

    def close(self) -> None:
        for slot in self._slots:
            slot.stop()

    def __enter__(self) -> ExtractorPool:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _timed_out(self) -> DeadLetter:
        limit = self._settings.timeout_s
        return DeadLetter(Reason.EXTRACTION_TIMEOUT, "extract", f"extraction ran past {limit:g} s", "TimeoutError")

    def _crashed(self, slot: _Slot) -> DeadLetter:
        slot.process.join(timeout=1)
        code = slot.process.exitcode
        return DeadLetter(Reason.EXTRACTION_ERROR, "extract", f"extractor process died (exit code {code})", "ProcessDied")

    def _release(self, slot: _Slot) -> None:
        slot.served += slot.ticket is not None  # the warm-up page does not count
        slot.ticket, slot.deadline = None, 0.0
        if slot.served >= self._settings.recycle_after:
            self._replace(slot, kill=False)

    def _replace(self, slot: _Slot, kill: bool) -> None:
        slot.stop(kill=kill)
        self._slots[self._slots.index(slot)] = self._new_slot()
        if kill:
            self.restarts += 1
            log.warning("extractor process replaced", extra={"pid": slot.process.pid})

    def _dispatch(self) -> None:
        for slot in self._slots:
            if not self._queue:
                return
            if not slot.deadline:
                ticket, record = self._queue.popleft()
                slot.send(ticket, record, self._settings.timeout_s)
