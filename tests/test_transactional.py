"""Exactly-once without a broker: KIP-447 fencing by the group's generation, and a transactional id unique
per process by default."""

from __future__ import annotations

import subprocess
import sys

from kafka.errors import CommitFailedError, ProducerFencedError

from harness import ROOT
from tests.test_runner import TP, FakeProducer, runner_with
from worker.settings import Settings
from worker.stream.guarantees import TransactionFailed


class RebalancedProducer(FakeProducer):
    """The first offsets sent are refused as the group coordinator does after a rebalance (stale generation)."""

    def __init__(self, error: Exception | None = None):
        super().__init__()
        self.error = error or CommitFailedError("group metadata mismatch: IllegalGenerationError")

    def send_offsets_to_transaction(self, offsets, group_metadata):
        if self.error:
            error, self.error = self.error, None
            raise error
        super().send_offsets_to_transaction(offsets, group_metadata)

    def abort_transaction(self):
        self.sent.append(("abort", None))


def test_a_transaction_the_group_rebalanced_under_is_aborted_and_its_outputs_go_in_the_next(monkeypatch):
    runner, consumer, _ = runner_with(2, guarantee="exactly-once")
    producer = RebalancedProducer()
    monkeypatch.setattr(runner._guarantee, "_producer", producer)
    runner.step(0)
    assert [kind for kind, _ in producer.sent] == ["begin", "pages.dlq", "pages.dlq", "abort"]
    assert runner.counters.done == 0 and runner.ledger.held == 2
    producer.sent.clear()
    runner.step(0)
    assert [kind for kind, _ in producer.sent] == ["begin", "pages.dlq", "pages.dlq", "offsets", "commit"]
    assert producer.sent[-2][1] == {TP: 2}
    assert runner.counters.dead_letters == {"no_content": 2} and runner.ledger.held == 0


def test_a_fenced_producer_still_exits(monkeypatch):
    runner, _, _ = runner_with(1, guarantee="exactly-once")
    monkeypatch.setattr(runner._guarantee, "_producer", RebalancedProducer(ProducerFencedError()))
    try:
        runner.step(0)
    except TransactionFailed:
        return
    raise AssertionError("a fenced producer went on")


def test_the_default_transactional_id_is_unique_per_process_and_stable_within_one():
    settings = Settings(group_id="g")
    assert settings.effective_transactional_id == Settings(group_id="g").effective_transactional_id
    assert Settings(group_id="g", transactional_id="mine").effective_transactional_id == "mine"
    code = "from worker.settings import Settings; print(Settings(group_id='g').effective_transactional_id)"
    others = {subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                             check=True, timeout=60).stdout.strip() for _ in range(2)}
    assert len(others | {settings.effective_transactional_id}) == 3
    assert all(other.startswith("g-") for other in others)
