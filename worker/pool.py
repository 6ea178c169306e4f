"""A pool of extractor processes with a per-page time limit.

trafilatura is neither thread-safe nor interruptible, so each page runs in a process of its own
pool slot; a page that overruns its limit gets its process killed and replaced. Processes are
also recycled after a number of pages, so that library caches cannot grow without bound.

A process that dies (a crash, kill -9, the OOM killer), busy or idle, is replaced; the page it was running
is redone once on another process, and only a page that kills two processes is a dead letter. A forkserver
that dies is replaced too.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from multiprocessing import forkserver, util
from multiprocessing.connection import Connection, wait
from typing import NamedTuple

from worker import logs
from worker.core.model import DeadLetter, Outcome, RawRecord, Reason

log = logging.getLogger(__name__)
Task = Callable[[RawRecord], Outcome]

# The warm-up page is ours and known to finish: a per-page limit set low for real pages must not kill every new
# process in the middle of it (under load, no process would ever get to serve).
MIN_WARM_UP_TIMEOUT_S = 30.0
CRASHES_PER_PAGE = 2  # one death may be the process's bad luck (kill -9, OOM); a second one is the page's doing
START_ATTEMPTS = 3  # starting a process retries on a new forkserver; a third failure is not a dead forkserver
STOP_GRACE_S = 5.0  # a recycled process exits as soon as its pipe closes; one that does not is killed
EXIT_CODE_WAIT_S = 1.0  # the forkserver reports a dead process's exit code after reaping it
CRASH_MARKER_VARIABLE = "WORKER_TEST_CRASH_MARKER"  # test hook for chaos tests; see CrashOnMarker
CRASH_EXIT_CODE = 70  # EX_SOFTWARE: what a process killed by the test hook exits with


class Finished(NamedTuple):
    ticket: Hashable
    outcome: Outcome
    seconds: float  # from dispatch to a process until the result (or the kill)


@dataclass(frozen=True, slots=True)
class PoolSettings:
    processes: int
    timeout_s: float
    recycle_after: int


class _Job(NamedTuple):
    ticket: Hashable | None  # None: the warm-up page
    record: RawRecord
    crashes: int = 0  # processes that died running it


@dataclass(frozen=True, slots=True)
class CrashOnMarker:
    """Test hook, on only when WORKER_TEST_CRASH_MARKER is set where the pool is created: a record whose value
    contains the marker makes its extractor process exit at once, as a segfault in libxml2 would."""

    task: Task
    marker: bytes

    def __call__(self, record: RawRecord) -> Outcome:
        if record.value and self.marker in record.value:
            os._exit(CRASH_EXIT_CODE)
        return self.task(record)


def _serve(connection: Connection, task: Task, log_level: str | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it drains us first
    if log_level:
        logs.configure(log_level)  # JSON lines like the parent's, for what trafilatura & co. log in here
    while True:
        try:
            ticket, record = connection.recv()
        except (EOFError, OSError, KeyboardInterrupt):  # the parent is gone (even by kill -9): so are we
            return
        outcome = task(record)
        try:
            connection.send((ticket, outcome))
        except OSError:  # the parent let us go mid-page (pool closed): no traceback on its stderr
            return


def start_forkserver(preload: tuple[str, ...]) -> None:
    """Launch the forkserver now rather than at the first process start, and return at once: it imports `preload`
    while the caller goes on with its own start-up."""
    forkserver.set_forkserver_preload(list(preload))
    forkserver.ensure_running()


def restart_forkserver() -> None:
    """Forget the forkserver, so that the next process start launches a new one (with the same preload).

    multiprocessing (3.11) only notices that its forkserver died once it can reap it: one killed just before or
    while it is asked for a process still looks alive, and the start fails (EOFError, ConnectionRefusedError)."""
    server = forkserver._forkserver
    with server._lock:
        pid = server._forkserver_pid
        if pid is None:
            return
        with contextlib.suppress(ChildProcessError):  # reaped already, by someone else
            if os.waitpid(pid, os.WNOHANG)[0] == 0:  # not reaped, so the pid is still its own
                os.kill(pid, signal.SIGKILL)  # dying, or alive but failing us: of no use either way
                os.waitpid(pid, 0)
        os.close(server._forkserver_alive_fd)
        address = server._forkserver_address
        if address and not util.is_abstract_socket_namespace(address):
            with contextlib.suppress(OSError):
                os.unlink(address)
        server._forkserver_pid = server._forkserver_alive_fd = server._forkserver_address = None


class _Slot:
    """One extractor process, its end of the pipe, and the page it is running."""

    def __init__(self, context, task: Task, log_level: str | None) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, task, log_level), daemon=True)
        try:
            self.process.start()
        except BaseException:
            self.connection.close()  # a process the forkserver forked before it died then sees EOF, and exits
            raise
        finally:
            child.close()
        self.job: _Job | None = None
        self.started = 0.0
        self.deadline = 0.0  # 0: idle
        self.served = 0

    def send(self, job: _Job, timeout_s: float) -> bool:
        """False if the process is dead (its end of the pipe is closed)."""
        try:
            self.connection.send((job.ticket, job.record))
        except OSError:
            return False
        self.started = time.monotonic()
        self.job, self.deadline = job, self.started + timeout_s
        return True

    def done(self) -> None:
        self.served += self.job.ticket is not None  # the warm-up page does not count
        self.job, self.deadline = None, 0.0

    def exit_code(self) -> int | None:
        self.process.join(timeout=EXIT_CODE_WAIT_S)
        return self.process.exitcode

    def stop(self, kill: bool = False) -> None:
        # While the process's end of the pipe is open (no EOF), the process exists and its pid is its own. Kill
        # it by pid: once the forkserver is gone, multiprocessing takes it for dead and Process.kill() does nothing.
        if kill and not self.connection.poll():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL)
        self.connection.close()  # an idle process exits on EOF
        self.process.join(timeout=STOP_GRACE_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()


class ExtractorPool:
    """Runs `task` on records in worker processes; results come back as (ticket, outcome) pairs."""

    def __init__(self, task: Task, settings: PoolSettings, warm_up: RawRecord | None = None,
                 start_method: str = "forkserver", preload: tuple[str, ...] = (), log_level: str | None = None) -> None:
        """`warm_up`: a record each new process runs before real ones, so that no real one pays for loading.
        `preload`: modules the forkserver imports once, before it forks the first process (worker/warm.py).
        `log_level`: configure JSON logging (worker/logs.py) at this level in each process; None leaves it alone."""
        if marker := os.environ.get(CRASH_MARKER_VARIABLE):  # read here only: production never sets it
            task = CrashOnMarker(task, marker.encode())
            log.warning("test hook on: extractor processes exit on records containing the marker",
                        extra={"variable": CRASH_MARKER_VARIABLE, "marker": marker})
        self._task, self._warm_up, self._settings, self._log_level = task, warm_up, settings, log_level
        self._context = multiprocessing.get_context(start_method)
        if preload:
            self._context.set_forkserver_preload(list(preload))
        self._queue: deque[_Job] = deque()
        self._slots = [self._new_slot() for _ in range(settings.processes)]
        self.restarts = 0

    def warm_up(self) -> None:
        """Wait until every process has run its warm-up page."""
        while any(slot.job is not None and slot.job.ticket is None for slot in self._slots):
            self.results(timeout=self._settings.timeout_s)

    def submit(self, ticket: Hashable, record: RawRecord) -> None:
        self._queue.append(_Job(ticket, record))
        self._dispatch()

    @property
    def pending(self) -> int:
        return len(self._queue) + sum(slot.deadline > 0 for slot in self._slots)

    def results(self, timeout: float) -> list[Finished]:
        """Finished pages, waiting up to `timeout` seconds for the first; timed-out pages come back as dead letters."""
        busy = [slot for slot in self._slots if slot.deadline]
        if not busy:
            return []
        nearest = min(slot.deadline for slot in busy) - time.monotonic()
        slots = {slot.connection: slot for slot in self._slots}  # the idle too: EOF from one means it died
        ready = wait(list(slots), timeout=max(0.0, min(timeout, nearest)))
        finished = []
        for connection in ready:
            slot = slots[connection]
            try:
                ticket, outcome = connection.recv()
            except (EOFError, OSError):
                finished.extend(self._died(slot))
                continue
            seconds = time.monotonic() - slot.started
            slot.done()
            if ticket is not None:
                finished.append(Finished(ticket, outcome, seconds))
            if slot.served >= self._settings.recycle_after:
                self._replace(slot, kill=False)
        now = time.monotonic()
        for slot in busy:
            if slot.deadline and slot.deadline <= now and slot.connection not in ready:
                if slot.job.ticket is not None:  # a page that overran is not redone: it would overrun again
                    finished.append(Finished(slot.job.ticket, self._timed_out(), now - slot.started))
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

    def _died(self, slot: _Slot) -> list[Finished]:
        """A process died; its page, if a real one, is redone first thing, or is a dead letter the second time."""
        job, seconds, code = slot.job, time.monotonic() - slot.started, slot.exit_code()
        self._replace(slot, kill=True)
        if job is None or job.ticket is None:  # idle, or on the warm-up page: no page lost
            return []
        if job.crashes + 1 < CRASHES_PER_PAGE:
            log.warning("extractor process died: its page goes to another", extra={"exit_code": code})
            self._queue.appendleft(job._replace(crashes=job.crashes + 1))
            return []
        message = f"extractor process died on this page {CRASHES_PER_PAGE} times (exit code {code})"
        return [Finished(job.ticket, DeadLetter(Reason.EXTRACTION_CRASH, "extract", message, "ProcessDied"), seconds)]

    def _new_slot(self) -> _Slot:
        for attempt in range(1, START_ATTEMPTS + 1):
            try:
                slot = _Slot(self._context, self._task, self._log_level)
                break
            except (EOFError, OSError):
                if self._context.get_start_method() != "forkserver" or attempt == START_ATTEMPTS:
                    raise
                log.warning("forkserver gone: starting a new one", exc_info=True)
                restart_forkserver()
        if self._warm_up is not None:
            limit = max(self._settings.timeout_s, MIN_WARM_UP_TIMEOUT_S)
            slot.send(_Job(None, self._warm_up), limit)  # if it fails, dispatch finds out
        return slot

    def _replace(self, slot: _Slot, kill: bool) -> None:
        slot.stop(kill=kill)
        self._slots[self._slots.index(slot)] = self._new_slot()
        if kill:
            self.restarts += 1
            log.warning("extractor process replaced", extra={"pid": slot.process.pid})

    def _dispatch(self) -> None:
        while self._queue and (slot := next((s for s in self._slots if not s.deadline), None)):
            job = self._queue.popleft()
            if not slot.send(job, self._settings.timeout_s):  # died while idle: the page never reached it
                self._queue.appendleft(job)
                self._replace(slot, kill=True)
