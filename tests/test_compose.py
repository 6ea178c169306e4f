"""Static checks of the container setup: docker-compose.yml, Dockerfile and .dockerignore.

No Docker engine is needed; these read the files as text and YAML.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from worker.settings import OPTIONS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
SERVICES = yaml.safe_load(COMPOSE_TEXT)["services"]


def environment(service: str) -> dict[str, str]:
    """A service's environment as a dict, whether written as a mapping or a KEY=value list."""
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {name: str(value) for name, value in env.items()}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with line continuations joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1].strip())
            for line in lines if line and not line.startswith("#")]


def test_kafka_is_a_single_kraft_node():
    kafka = SERVICES["kafka"]
    env = environment("kafka")
    assert kafka["image"].startswith("apache/kafka:")
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    assert env["KAFKA_CONTROLLER_QUORUM_VOTERS"] == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert env["KAFKA_ADVERTISED_LISTENERS"] == "PLAINTEXT://kafka:9092"
    assert env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"].lower() == "false"  # the topics job creates them
    assert "kafka-broker-api-versions.sh" in " ".join(kafka["healthcheck"]["test"])
    assert "zookeeper" not in COMPOSE_TEXT.lower()


def test_topics_job_creates_partitioned_topics_once():
    topics = SERVICES["topics"]
    command = topics["command"]
    assert command[0] == "topics"
    assert int(command[command.index("--partitions") + 1]) > 1
    assert topics["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert topics["restart"] == "no"
    # It must create the very topics the worker reads and writes.
    worker_env = environment("worker")
    for name, value in environment("topics").items():
        assert worker_env.get(name) == value, name


def test_worker_scales_and_starts_in_order():
    worker = SERVICES["worker"]
    build = worker["build"]
    context = build if isinstance(build, str) else build.get("context", ".")
    dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
    assert (ROOT / context).resolve() == ROOT and (ROOT / context / dockerfile).is_file()
    assert SERVICES["topics"]["build"] == build  # the same image
    for fixed in ("container_name", "ports", "hostname"):  # each would break --scale worker=N
        assert fixed not in worker, fixed
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    assert worker["depends_on"]["topics"]["condition"] == "service_completed_successfully"
    assert worker["restart"] in ("always", "unless-stopped", "on-failure")
    assert worker["init"] is True
    assert environment("worker")["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"


@pytest.mark.parametrize("service", ["topics", "worker"])
def test_worker_env_names_are_real_settings(service):
    known = {env for env, _help in OPTIONS.values()}
    ours = {name for name in environment(service) if name.startswith(("WORKER_", "KAFKA_BOOTSTRAP"))}
    assert ours, "no worker settings in the environment"
    assert ours <= known, f"unknown settings: {sorted(ours - known)}"


def test_dockerfile_runs_the_worker_as_non_root():
    instructions = dockerfile_instructions()
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    assert instructions[last_from][1].startswith("python:3.11-slim")
    final = instructions[last_from:]
    users = [args for name, args in final if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    entrypoint = [args for name, args in final if name == "ENTRYPOINT"]
    assert entrypoint and json.loads(entrypoint[-1]) == ["python", "-m", "worker"]
    cmd = [args for name, args in final if name == "CMD"]
    assert cmd and json.loads(cmd[-1]) == ["run"]


def test_dockerignore_keeps_local_state_out_of_the_build_context():
    patterns = {line.strip().rstrip("/") for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".venv", ".kafka", "kafka/target", ".git", "tests"} <= patterns
