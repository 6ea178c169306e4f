"""The extractor pool with stand-in tasks: a slow page is killed at its limit, a crash is a dead letter."""

import os
import subprocess
import sys
import time

from worker.core.model import DeadLetter, Origin, RawRecord, Reason
from worker.pool import ExtractorPool, PoolSettings


def behave(record: RawRecord):
    """A stand-in task whose record value says what to do."""
    if record.value == b"hang":
        time.sleep(3600)
    if record.value == b"crash":
        os._exit(3)
    return DeadLetter(Reason.NO_CONTENT, "test", f"{record.value.decode()} in {os.getpid()}")


def record(value: bytes, offset: int = 0) -> RawRecord:
    return RawRecord(Origin("t", 0, offset), None, value)


def collect(pool: ExtractorPool, count: int) -> dict:
    results = {}
    while len(results) < count:
        results.update((f.ticket, f.outcome) for f in pool.results(timeout=10))
    return results


def test_results_come_back_by_ticket():
    with ExtractorPool(behave, PoolSettings(processes=2, timeout_s=30, recycle_after=100)) as pool:
        pool.warm_up()
        assert pool.pending == 0
        for i in range(6):
            pool.submit(i, record(b"page%d" % i, i))
        results = collect(pool, 6)
        assert {t: r.message.split()[0] for t, r in results.items()} == {i: f"page{i}" for i in range(6)}
        assert pool.pending == 0


def test_a_page_past_the_limit_is_killed_and_the_pool_moves_on():
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=1, recycle_after=100)) as pool:
        pool.submit("slow", record(b"hang"))
        pool.submit("next", record(b"after"))
        results = collect(pool, 2)
        assert results["slow"].reason is Reason.EXTRACTION_TIMEOUT
        assert results["next"].message.startswith("after")
        assert pool.restarts == 1


def test_a_crashed_process_is_a_dead_letter_and_is_replaced():
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=100)) as pool:
        pool.submit("boom", record(b"crash"))
        pool.submit("next", record(b"after"))
        results = collect(pool, 2)
        assert results["boom"].reason is Reason.EXTRACTION_ERROR and "exit code 3" in results["boom"].message
        assert results["next"].message.startswith("after")


def test_processes_are_recycled_after_n_pages():
    with ExtractorPool(behave, PoolSettings(processes=1, timeout_s=30, recycle_after=2)) as pool:
        pids = set()
        for i in range(4):
            pool.submit(i, record(b"p"))
            pids.add(collect(pool, 1)[i].message.split()[-1])
        assert len(pids) == 2
        assert pool.restarts == 0  # recycling is not a failure


PRELOAD_PROBE = """
import sys
from tests.test_pool import loaded_models, record
from worker.pool import ExtractorPool, PoolSettings

if __name__ == "__main__":
    settings = PoolSettings(processes=1, timeout_s=30, recycle_after=1)
    with ExtractorPool(loaded_models, settings, preload=tuple(sys.argv[1:])) as pool:
        pool.warm_up()
        answers = []
        for ticket in range(2):  # the second page runs in a recycled process
            pool.submit(ticket, record(b"probe", ticket))
            while not (finished := pool.results(timeout=10)):
                pass
            answers.append(finished[0].outcome.message)
        print(" ".join(answers))
"""


def loaded_models(record: RawRecord) -> DeadLetter:
    """A stand-in task that reports whether the pipeline's language model is already loaded in its process."""
    from worker.core.article import _identifier
    return DeadLetter(Reason.NO_CONTENT, "test", str(_identifier.cache_info().currsize))


def run_probe(tmp_path, *preload: str) -> str:
    script = tmp_path / "probe.py"
    script.write_text(PRELOAD_PROBE)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    done = subprocess.run([sys.executable, str(script), *preload], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": root}, check=True)
    return done.stdout.strip()


def test_processes_fork_from_a_warm_forkserver(tmp_path):
    """With worker.warm preloaded, a new or recycled extractor starts with the models loaded; without, it does not
    (the pool's per-process warm-up page is a stand-in task here)."""
    assert run_probe(tmp_path, "worker.warm") == "1 1"
    assert run_probe(tmp_path) == "0 0"
