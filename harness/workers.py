"""`python -m worker run` as child processes, the way an operator starts it, and what they publish."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from harness import ROOT
from harness.broker import INPUT_PARTITIONS, MAX_RECORD_BYTES, group_assignments
from harness.wait import Deadline, wait_until

STOP_TIMEOUT_S = 60  # SIGTERM: finish what is in flight, commit, leave the group
KILL_TIMEOUT_S = 30


class WorkerProcess:
    """One worker on `topics` (input, output, dlq, group) at `bootstrap`, its output appended to `log_path`.
    `args` are further `worker run` options (a later option overrides an earlier one); `env` replaces the
    environment."""

    def __init__(self, bootstrap: str, topics: dict[str, str], *args: str, log_path: Path,
                 env: dict[str, str] | None = None) -> None:
        self.log_path = log_path
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "worker", "run", "--bootstrap-servers", bootstrap,
                 "--input-topic", topics["input"], "--output-topic", topics["output"], "--dlq-topic", topics["dlq"],
                 "--group-id", topics["group"], "--metrics-port", "0", *args],
                cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self, sig: int = signal.SIGTERM, timeout: float = STOP_TIMEOUT_S) -> int:
        """Sends `sig` and returns the exit code; subprocess.TimeoutExpired if it has not exited in time."""
        self.process.send_signal(sig)
        return self.process.wait(timeout=timeout)

    def kill(self) -> int:
        """SIGKILL, if still running; returns the exit code."""
        if self.running:
            self.process.kill()
        return self.process.wait(timeout=KILL_TIMEOUT_S)

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")


def stop_workers(workers: list[WorkerProcess], timeout: float = STOP_TIMEOUT_S) -> list[int]:
    """SIGTERM to all, then their exit codes; one that has not exited after `timeout` s is killed."""
    for worker in workers:
        worker.process.terminate()
    codes = []
    for worker in workers:
        try:
            codes.append(worker.process.wait(timeout=timeout))
        except subprocess.TimeoutExpired:
            codes.append(worker.kill())
    return codes


def wait_for_group(bootstrap: str, group: str, members: int, workers: Iterable[WorkerProcess],
                   timeout: float = 120) -> None:
    """Until `members` members share all input partitions. Raises RuntimeError if a worker exits first,
    DeadlineExceeded after `timeout` s."""
    workers = list(workers)

    def settled() -> bool:
        if not all(worker.running for worker in workers):
            raise RuntimeError(f"a worker exited before group {group} settled on {members} member(s)")
        assigned = group_assignments(bootstrap, group)
        return len(assigned) == members and sum(map(len, assigned)) == INPUT_PARTITIONS

    wait_until(settled, timeout=timeout, message=f"group {group} to settle on {members} member(s)")


@dataclass
class Outputs:
    """What the workers published: one outcome per input record, duplicates aside."""

    output_topic: str
    origins: set = field(default_factory=set)  # (partition, offset) of the input records done
    outcomes: Counter = field(default_factory=Counter)
    repeated: Counter = field(default_factory=Counter)  # extra outcomes per (partition, offset) done again
    records: int = 0
    first_ms: int | None = None
    last_ms: int | None = None
    seen_at: float = 0.0  # perf_counter when the latest record was read

    def add(self, message) -> None:
        if message.topic == self.output_topic:
            origin = orjson.loads(message.value)["origin"]
            done, kind = (origin["partition"], origin["offset"]), "article"
        else:
            headers = dict(message.headers)
            done = (int(headers["dlq.original.partition"]), int(headers["dlq.original.offset"]))
            kind = headers["dlq.reason"].decode()
        if done not in self.origins:
            self.origins.add(done)
            self.outcomes[kind] += 1
        else:
            self.repeated[done] += 1
        self.records += 1
        self.first_ms = min(self.first_ms or message.timestamp, message.timestamp)
        self.last_ms = max(self.last_ms or message.timestamp, message.timestamp)
        self.seen_at = time.perf_counter()


def collect(bootstrap: str, topics: dict[str, str], count: int, workers: list[WorkerProcess],
            sampler, timeout_s: float, on_tick: Callable[[Outputs], None] | None = None) -> Outputs:
    """Reads articles and dead letters until every input record has one, a worker exits, or `timeout_s`
    runs out, and returns what it read: the caller checks `len(outputs.origins)` against `count`.
    `sampler` has a sample() method; `on_tick`, if given, is called after every poll."""
    from kafka.consumer import KafkaConsumer
    from kafka.structs import TopicPartition

    outputs = Outputs(topics["output"])
    consumer = KafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest",
                             isolation_level="read_committed",  # exactly-once outputs count once committed
                             max_partition_fetch_bytes=MAX_RECORD_BYTES,
                             # a fetch per output record would cost the broker, on the same cores, more CPU than
                             # the worker's own Kafka I/O: let outputs gather (the rate is taken from timestamps)
                             fetch_min_bytes=256 * 1024, fetch_max_wait_ms=250)
    try:
        output_partitions = consumer.partitions_for_topic(topics["output"])
        if not output_partitions:
            raise RuntimeError(f"output topic {topics['output']} not found")
        consumer.assign([TopicPartition(topics["output"], p) for p in sorted(output_partitions)]
                        + [TopicPartition(topics["dlq"], 0)])
        deadline = Deadline(timeout_s, f"{count} outcomes")
        while len(outputs.origins) < count and not deadline.expired and all(w.running for w in workers):
            for messages in consumer.poll(timeout_ms=250).values():
                for message in messages:
                    outputs.add(message)
            sampler.sample()
            if on_tick:
                on_tick(outputs)
    finally:
        consumer.close()
    return outputs
