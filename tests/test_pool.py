"""The extractor pool with stand-in tasks: a slow page is killed at its limit, a crash is redone once and then
a dead letter, a dead process or forkserver is replaced, and extractor processes log JSON lines."""

import logging
import multiprocessing.forkserver
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson

from harness.wait import Deadline, wait_until
from worker.core.model import DeadLetter, Origin, RawRecord, Reason
from worker.pool import ExtractorPool, PoolSettings, restart_forkserver, start_forkserver

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CRASH_MARKER_VARIABLE = "WORKER_TEST_CRASH_MARKER"  # the chaos tests' hook, as the README names it


def behave(record: RawRecord):
    """A stand-in task whose record value says what to do."""
    if record.value == b"hang":
        time.sleep(3600)
    if record.value == b"nap":
        time.sleep(2)
    if record.value == b"crash":
        os._exit(3)
    return DeadLetter(Reason.NO_CONTENT, "test", f"{record.value.decode()} in {os.getpid()} of {os.getppid()}")


def record(value: bytes, offset: int = 0) -> RawRecord:
    return RawRecord(Origin("t", 0, offset), None, value)


def collect(pool: ExtractorPool, count: int, timeout: float = 30) -> dict:
    """The next `count` results by ticket; DeadlineExceeded after `timeout` s, or at once if nothing is in flight."""
    deadline = Deadline(timeout, f"{count} results from the pool")
    results = {}
    while len(results) < count:
        if not pool.pending:
            raise AssertionError(f"{count - len(results)} results missing and nothing in flight")
        deadline.check()
        results.update((f.ticket, f.outcome) for f in pool.results(timeout=min(1.0, deadline.remaining)))
    return results


def pid_of(outcome: DeadLetter) -> int:
    """The extractor process that ran a page of `behave`."""
    return int(outcome.message.split()[-3])


def forked_by(outcome: DeadLetter) -> int:
    """The parent of the extractor process that ran a page of `behave`: the forkserver."""
    return int(outcome.message.split()[-1])


def state(pid: int) -> str:
    """The process's state letter (R, S, Z, ...), or "" once it no longer exists."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return ""


def gone(pid: int) -> bool:
    return state(pid) in ("", "Z", "X")  # a zombie has stopped running; only its parent's wait is missing


def forkserver_pid() -> int:
    return multiprocessing.forkserver._forkserver._forkserver_pid


def test_results_come_back_by_ticket():
    with ExtractorPool(behave, PoolSettings(processes=2, timeout_s=30, recycle_after=100)) as pool:
        pool.warm_up()
        assert pool.pending == 0
        for i in range(6):
            pool.submit(i, record(b"page%d" % i, i))
        results = collect(pool, 6)
        assert {t: r.message.split()[0] for t, r in results.items()} == {i: f"page{i}" for i in range(6)}
        assert pool.pending == 0


def test_a_forkserver_started_ahead_is_the_one_the_pool_forks_from():
    """The daemon and `extract` start it first thing, so that it loads the pipeline during their own start-up."""
    restart_forkserver()  # an earlier test's may be running
    start_forkserver(())
    early = forkserver_pid()
    assert early is not None and not gone(early)
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("page", record(b"page"))
        assert forked_by(collect(pool, 1)["page"]) == early


def test_a_page_past_the_limit_is_killed_and_the_pool_moves_on():
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=1, recycle_after=100)) as pool:
        pool.submit("slow", record(b"hang"))
        pool.submit("next", record(b"after"))
        results = collect(pool, 2)
        assert results["slow"].reason is Reason.EXTRACTION_TIMEOUT
        assert results["next"].message.startswith("after")
        assert pool.restarts == 1  # a page that timed out is not redone


def test_a_page_that_kills_its_process_twice_is_a_dead_letter():
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("boom", record(b"crash"))
        pool.submit("next", record(b"after"))
        results = collect(pool, 2)
        assert results["boom"].reason is Reason.EXTRACTION_CRASH and "exit code 3" in results["boom"].message
        assert results["next"].message.startswith("after")
        assert pool.restarts == 2  # once for the page, once for its redo


def test_a_page_whose_process_is_killed_under_it_is_redone_on_a_fresh_one():
    """kill -9 or the OOM killer takes an extractor mid-page: the page is not at fault, and runs again."""
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("first", record(b"first"))
        first = pid_of(collect(pool, 1)["first"])
        pool.submit("napping", record(b"nap"))  # 2 s in that same process
        os.kill(first, signal.SIGKILL)
        outcome = collect(pool, 1)["napping"]
        assert outcome.reason is Reason.NO_CONTENT and outcome.message.startswith("nap")  # the stand-in's answer
        assert pid_of(outcome) != first
        assert pool.restarts == 1


def test_a_dead_idle_process_is_replaced_and_no_page_is_lost():
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("first", record(b"first"))
        first = pid_of(collect(pool, 1)["first"])
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: gone(first), timeout=10, interval=0.02, message="the idle extractor to die")
        pool.submit("second", record(b"second"))
        pool.submit("third", record(b"third"))
        results = collect(pool, 2)
        assert [results[t].message.split()[0] for t in ("second", "third")] == ["second", "third"]
        assert first not in {pid_of(outcome) for outcome in results.values()}
        assert pool.restarts == 1


def test_a_dead_idle_process_is_noticed_while_others_work():
    with ExtractorPool(behave, PoolSettings(processes=2, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("a", record(b"a"))
        pool.submit("b", record(b"b"))
        idle = pid_of(collect(pool, 2)["b"])
        pool.submit("napping", record(b"nap"))  # to the first process: the second stays idle
        os.kill(idle, signal.SIGKILL)
        finished = []

        def replaced() -> int:
            finished.extend(pool.results(timeout=0.1))
            return pool.restarts

        wait_until(replaced, timeout=10, interval=0, message="the dead idle process to be replaced")
        assert not finished  # noticed while the other page was still running
        assert collect(pool, 1)["napping"].message.startswith("nap")


def test_a_forkserver_that_dies_as_it_is_asked_for_a_process_is_replaced(monkeypatch):
    """multiprocessing notices a dead forkserver only once it can reap it: one killed just before (or while) the
    pool asks it for a process still looks alive, and the start fails with `EOFError: unexpected EOF`. Here that
    race is slowed down: the forkserver is frozen once it has been found alive, and killed as the pool waits
    for its answer."""
    server = multiprocessing.forkserver._forkserver
    real_ensure_running, real_read_signed = server.ensure_running, multiprocessing.forkserver.read_signed
    victim = []

    def ensure_running_then_freeze():
        real_ensure_running()
        monkeypatch.setattr(server, "ensure_running", real_ensure_running)
        victim.append(server._forkserver_pid)
        os.kill(victim[0], signal.SIGSTOP)  # the kernel still queues the request; it cannot answer

    def die_then_read_signed(fd):  # also reads the exit code of the process being recycled, before
        if not victim:
            return real_read_signed(fd)
        monkeypatch.setattr(multiprocessing.forkserver, "read_signed", real_read_signed)
        os.kill(victim[0], signal.SIGKILL)
        os.waitid(os.P_PID, victim[0], os.WEXITED | os.WNOWAIT)  # dead, but left for multiprocessing to reap
        return real_read_signed(fd)

    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=1)) as pool:
        pool.submit("before", record(b"before"))  # then its process is recycled: a new one is asked for
        monkeypatch.setattr(server, "ensure_running", ensure_running_then_freeze)
        monkeypatch.setattr(multiprocessing.forkserver, "read_signed", die_then_read_signed)
        assert collect(pool, 1)["before"].message.startswith("before")
        assert victim and forkserver_pid() not in (None, victim[0])
        pool.submit("after", record(b"after"))
        after = collect(pool, 1)["after"]
        assert after.message.startswith("after") and forked_by(after) == forkserver_pid()


def test_after_a_forkserver_is_killed_its_hung_pages_are_still_killed():
    """Once its forkserver is gone, multiprocessing takes every process it started for dead (exit code 255) and
    Process.kill() does nothing: a page that hangs in such an orphan must still be stopped at its limit."""
    with ExtractorPool(behave, PoolSettings(processes=2, timeout_s=1, recycle_after=2)) as pool:
        pool.submit("a", record(b"a"))
        pool.submit("b", record(b"b"))
        hung = pid_of(collect(pool, 2)["a"])  # the first process: the next page goes to it too
        old_server = forkserver_pid()
        os.kill(old_server, signal.SIGKILL)
        wait_until(lambda: gone(old_server), timeout=10, interval=0.02, message="the forkserver to die")
        try:
            pool.submit("slow", record(b"hang"))
            pool.submit("next", record(b"next"))  # the second process's second page: it is recycled
            results = collect(pool, 2)
            assert results["slow"].reason is Reason.EXTRACTION_TIMEOUT
            wait_until(lambda: gone(hung), timeout=5, interval=0.05, message="the hung orphan to be killed")
            pool.submit("after", record(b"after"))
            after = collect(pool, 1)["after"]
            assert after.message.startswith("after")
            assert forkserver_pid() != old_server and forked_by(after) == forkserver_pid()
        finally:
            if not gone(hung):
                os.kill(hung, signal.SIGKILL)  # not to leave an hour-long sleeper behind a failed test


def test_the_crash_marker_test_hook_kills_an_extractor(monkeypatch):
    monkeypatch.setenv(CRASH_MARKER_VARIABLE, "CHAOS-42")
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("marked", record(b"<p>a page with CHAOS-42 inside</p>"))
        pool.submit("plain", record(b"plain"))
        results = collect(pool, 2)
        assert results["marked"].reason is Reason.EXTRACTION_CRASH and "exit code 70" in results["marked"].message
        assert results["plain"].message.startswith("plain")
    monkeypatch.delenv(CRASH_MARKER_VARIABLE)
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("marked", record(b"CHAOS-42"))
        assert collect(pool, 1)["marked"].message.startswith("CHAOS-42")  # read at pool creation only


def test_processes_are_recycled_after_n_pages():
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=2)) as pool:
        pids = set()
        for i in range(4):
            pool.submit(i, record(b"p"))
            pids.add(pid_of(collect(pool, 1)[i]))
        assert len(pids) == 2
        assert pool.restarts == 0  # recycling is not a failure


def run_probe(tmp_path, probe: str, *arguments: str) -> subprocess.CompletedProcess:
    script = tmp_path / "probe.py"
    script.write_text(probe)
    return subprocess.run([sys.executable, str(script), *arguments], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": ROOT}, check=True)


PRELOAD_PROBE = """
import sys
from tests.test_pool import collect, loaded_models, record
from worker.pool import ExtractorPool, PoolSettings, restart_forkserver, start_forkserver

if __name__ == "__main__":
    settings = PoolSettings(processes=1, timeout_s=30, recycle_after=1)
    with ExtractorPool(loaded_models, settings, preload=tuple(sys.argv[1:])) as pool:
        pool.warm_up()
        answers = []
        for ticket in range(2):  # the second page runs in a recycled process
            pool.submit(ticket, record(b"probe", ticket))
            answers.append(collect(pool, 1)[ticket].message)
        print(" ".join(answers))
"""


def loaded_models(record: RawRecord) -> DeadLetter:
    """A stand-in task that reports what is already loaded in its process: the pipeline's language model,
    dateparser's English locale (loaded on the first date in words) and jusText's stop lists, as 0 or 1."""
    from dateparser.languages.loader import default_loader
    from trafilatura import external

    from worker.core.article import _identifier
    loaded = (_identifier.cache_info().currsize, "en" in default_loader._loaded_locales, external.JT_STOPLIST)
    return DeadLetter(Reason.NO_CONTENT, "test", "".join(str(int(bool(each))) for each in loaded))


def test_processes_fork_from_a_warm_forkserver(tmp_path):
    """With worker.warm preloaded, a new or recycled extractor starts with the models, English date patterns and
    stop lists loaded; without, it does not (the pool's per-process warm-up page is a stand-in task here)."""
    assert run_probe(tmp_path, PRELOAD_PROBE, "worker.warm").stdout.strip() == "111 111"
    assert run_probe(tmp_path, PRELOAD_PROBE).stdout.strip() == "000 000"


LOG_PROBE = """
import os
import signal
from multiprocessing import resource_tracker

from tests.test_pool import collect, record, warn
from worker import logs
from worker.core.warm_up import WARM_UP
from worker.pool import ExtractorPool, PoolSettings, restart_forkserver, start_forkserver

if __name__ == "__main__":
    logs.configure("info")  # as `python -m worker run` does
    settings = PoolSettings(processes=1, timeout_s=30, recycle_after=1)
    with ExtractorPool(warn, settings, warm_up=WARM_UP, preload=("worker.warm",), log_level="info") as pool:
        pool.warm_up()
        tracker = resource_tracker._resource_tracker._pid
        os.kill(tracker, signal.SIGKILL)  # multiprocessing warns when it starts the next one
        os.waitpid(tracker, 0)
        for ticket in range(2):  # the first page's process is recycled: the resource tracker is looked at
            pool.submit(ticket, record(b"probe", ticket))
            collect(pool, 1)
"""


def warn(record: RawRecord) -> DeadLetter:
    """A stand-in task that logs, from its extractor process, as trafilatura and the worker's own code do."""
    logging.getLogger("trafilatura").warning("a library's warning about an odd page")
    logging.getLogger("worker.probe").warning("from an extractor", extra={"extractor_pid": os.getpid()})
    return DeadLetter(Reason.NO_CONTENT, "test", "logged")


def test_every_line_the_worker_logs_is_json_extractors_too(tmp_path):
    lines = run_probe(tmp_path, LOG_PROBE).stderr.splitlines()
    entries = [orjson.loads(line) for line in lines]  # raises on a line of plain text
    from_extractors = [e for e in entries if e["msg"] == "from an extractor"]
    assert len(from_extractors) >= 2 and all(e["level"] == "warning" for e in from_extractors)
    assert any(e["logger"] == "py.warnings" and "resource_tracker" in e["msg"] for e in entries)
