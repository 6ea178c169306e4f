"""`worker topics` against the real broker: broker-default replication, a dead-letter topic that takes any input
record, an optionally compacted output, and existing topics that differ reported, not changed."""

from __future__ import annotations

import subprocess
import sys
import uuid

import orjson
import pytest
from kafka import KafkaAdminClient
from kafka.admin import ConfigResource, ConfigResourceType

from harness import ROOT
from worker.tools.admin import DLQ_HEADER_ROOM_BYTES

pytestmark = pytest.mark.integration


def run_topics(bootstrap: str, names: dict[str, str], *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "worker", "topics", "--bootstrap-servers", bootstrap,
                           "--input-topic", names["input"], "--output-topic", names["output"],
                           "--dlq-topic", names["dlq"], *extra], capture_output=True, text=True, cwd=ROOT, timeout=120)


def log_lines(done: subprocess.CompletedProcess) -> list[dict]:
    return [orjson.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]


@pytest.fixture
def names() -> dict[str, str]:
    suffix = uuid.uuid4().hex[:8]
    return {"input": f"t-in-{suffix}", "output": f"t-out-{suffix}", "dlq": f"t-dlq-{suffix}"}


@pytest.fixture
def admin(bootstrap):
    client = KafkaAdminClient(bootstrap_servers=bootstrap)
    yield client
    client.close()


def configs(admin: KafkaAdminClient, topic: str) -> dict[str, str]:
    described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)], config_filter="all")
    return {name: config["value"] for name, config in described["topic"][topic].items()}


def partitions(admin: KafkaAdminClient, topic: str) -> list[dict]:
    (described,) = admin.describe_topics([topic])
    return described["partitions"]


def test_new_topics_take_the_broker_default_and_a_dead_letter_topic_as_large_as_the_input(bootstrap, admin, names):
    done = run_topics(bootstrap, names, "--partitions", "3", "--compact-output")
    assert done.returncode == 0, done.stderr
    assert len(partitions(admin, names["input"])) == 3 and len(partitions(admin, names["output"])) == 3
    assert len(partitions(admin, names["dlq"])) == 1
    # the test broker is one node: its default replication factor can only be 1, which is what -1 asked for
    assert {len(p["replica_nodes"]) for p in partitions(admin, names["input"])} == {1}
    assert configs(admin, names["output"])["cleanup.policy"] == "compact"
    assert configs(admin, names["input"])["cleanup.policy"] == "delete"
    input_limit = int(configs(admin, names["input"])["max.message.bytes"])
    assert int(configs(admin, names["dlq"])["max.message.bytes"]) == input_limit + DLQ_HEADER_ROOM_BYTES
    (ready,) = [line for line in log_lines(done) if line["msg"] == "topics ready"]
    assert sorted(ready["new_topics"]) == sorted(names.values()) and ready["differing"] == 0


def test_existing_topics_that_differ_are_reported_and_left_as_they_are(bootstrap, admin, names):
    admin.create_topics({names["input"]: {"num_partitions": 2, "replication_factor": 1,
                                          "configs": {"max.message.bytes": "4000000"}},
                         names["output"]: {"num_partitions": 2, "replication_factor": 1},
                         names["dlq"]: {"num_partitions": 1, "replication_factor": 1,
                                        "configs": {"max.message.bytes": "2000000"}}}, wait_for_metadata=True)
    done = run_topics(bootstrap, names, "--partitions", "4", "--compact-output", "--replication-factor", "1")
    assert done.returncode == 0, done.stderr
    found = {(line["topic"], line["setting"]): (line["wanted"], line["found"]) for line in log_lines(done)
             if line["msg"] == "existing topic differs, left as it is"}
    assert found == {
        (names["input"], "partitions"): (4, 2),
        (names["output"], "partitions"): (4, 2),
        (names["output"], "cleanup.policy"): ("compact", "delete"),
        (names["dlq"], "max.message.bytes"): (str(4000000 + DLQ_HEADER_ROOM_BYTES), "2000000"),
    }
    assert len(partitions(admin, names["input"])) == 2  # reported, not changed
    assert configs(admin, names["output"])["cleanup.policy"] == "delete"


def test_a_replication_factor_the_cluster_cannot_give_is_one_line_and_exit_1(bootstrap, names):
    done = run_topics(bootstrap, names, "--replication-factor", "3")
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert "cannot create the topics" in line and "Traceback" not in done.stderr
