"""Static checks of the container setup: docker-compose.yml, Dockerfile, .dockerignore and monitoring/.

No Docker engine is needed; these read the files as text, YAML and JSON (one test runs the
worker's healthcheck command against the worker's own HTTP endpoint, in-process).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from worker.settings import OPTIONS
from worker.stream.telemetry import PREFIX, Health, Metrics, serve_http

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text()
SERVICES = yaml.safe_load(COMPOSE_TEXT)["services"]
MONITORING = ROOT / "monitoring"
MONITORING_SERVICES = {"prometheus", "grafana"}
# Every series the dashboard must graph (histograms through their _bucket series), memory and CPU included.
WORKER_SERIES = [PREFIX + name for name in (
    "records_in_total", "articles_out_total", "dead_letters_total", "extraction_seconds_bucket",
    "end_to_end_seconds_bucket", "in_flight", "extractor_restarts_total", "consumer_lag",
    "extractor_resident_memory_bytes")] + ["process_resident_memory_bytes", "process_cpu_seconds_total"]


def environment(service: str) -> dict[str, str]:
    """A service's environment as a dict, whether written as a mapping or a KEY=value list."""
    env = SERVICES[service].get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) if "=" in item else (item, "") for item in env)
    return {name: str(value) for name, value in env.items()}


def published_ports(service: str) -> list[tuple[str, str]]:
    """(host port, container port) for each published port, short ("[ip:]host:container") or long syntax."""
    pairs = []
    for entry in SERVICES[service].get("ports") or []:
        if isinstance(entry, dict):
            pairs.append((str(entry.get("published", "")), str(entry["target"])))
        else:
            parts = str(entry).split("/")[0].split(":")
            pairs.append((parts[-2] if len(parts) > 1 else "", parts[-1]))
    return pairs


def bind_mounts(service: str) -> dict[str, Path]:
    """Container path -> host path for a service's bind mounts (named volumes left out)."""
    mounts = {}
    for entry in SERVICES[service].get("volumes") or []:
        if isinstance(entry, dict):
            if entry.get("type") == "bind":
                mounts[entry["target"]] = (ROOT / entry["source"]).resolve()
        else:
            source, target = str(entry).split(":")[:2]
            if source.startswith((".", "/")):
                mounts[target] = (ROOT / source).resolve()
    return mounts


def load_yaml_files(folder: Path) -> list[dict]:
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    assert files, f"no YAML in {folder}"
    return [yaml.safe_load(path.read_text()) for path in files]


def dashboard() -> dict:
    return json.loads((MONITORING / "grafana" / "dashboards" / "worker.json").read_text())


def dashboard_panels() -> list[dict]:
    """Every panel, including those nested in collapsed rows."""
    panels = []
    for panel in dashboard()["panels"]:
        panels.append(panel)
        panels.extend(panel.get("panels", []))
    return panels


def dashboard_series() -> set[str]:
    """The worker's series (ours and the standard process_* ones) in the dashboard's queries."""
    exprs = [target["expr"] for panel in dashboard_panels() for target in panel.get("targets", [])]
    return {name for expr in exprs for name in re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", expr)
            if name.startswith((PREFIX, "process_"))}


def worker_metrics_port() -> int:
    return int(environment("worker")["WORKER_METRICS_PORT"])


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
    assert {".venv", ".kafka", "kafka/target", ".git", "tests", "monitoring"} <= patterns


# --- Health and monitoring ---------------------------------------------------------------------

def test_worker_healthcheck_hits_healthz_on_its_metrics_port():
    port = worker_metrics_port()
    assert port > 0, "metrics port 0 turns /healthz off"
    healthcheck = SERVICES["worker"]["healthcheck"]
    assert healthcheck["test"][0] == "CMD"  # exec form: no shell needed
    command = " ".join(healthcheck["test"][1:])
    assert f"127.0.0.1:{port}/healthz" in command
    assert not re.search(r"\b(curl|wget)\b", command), "the image has neither"
    assert int(healthcheck["retries"]) >= 1
    for key in ("interval", "timeout", "start_period"):  # start_period: extractors warm up first
        assert key in healthcheck, key


@pytest.mark.parametrize("alive", [True, False])
def test_worker_healthcheck_command_reads_the_liveness_endpoint(alive):
    """The compose healthcheck, run as is against the worker's own /healthz: exit 0 alive, 1 stalled."""
    server = serve_http(0, Metrics(), Health(liveness_timeout_s=60 if alive else 0), host="127.0.0.1")
    try:
        port = server.server_address[1]
        argv = [arg.replace(f":{worker_metrics_port()}/", f":{port}/")
                for arg in SERVICES["worker"]["healthcheck"]["test"][1:]]
        assert argv[0] == "python"  # the image's interpreter
        done = subprocess.run([sys.executable, *argv[1:]], capture_output=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
    assert done.returncode == (0 if alive else 1), done.stderr.decode()


def test_monitoring_runs_only_under_its_profile():
    with_profiles = {name: service["profiles"] for name, service in SERVICES.items() if "profiles" in service}
    assert with_profiles == {name: ["monitoring"] for name in MONITORING_SERVICES}
    for name in ("kafka", "topics", "worker"):  # plain `docker compose up` must still start these
        assert name in SERVICES and "profiles" not in SERVICES[name], name


@pytest.mark.parametrize("service, repository", [("prometheus", "prom/prometheus"), ("grafana", "grafana/grafana")])
def test_monitoring_images_are_pinned(service, repository):
    name, _, tag = SERVICES[service]["image"].partition(":")
    assert name == repository
    assert re.fullmatch(r"v?\d+\.\d+\.\d+", tag), f"pin a release, not {tag!r}"


def test_only_prometheus_and_grafana_publish_ports():
    publishing = {name for name in SERVICES if SERVICES[name].get("ports")}
    assert publishing - {"kafka"} == MONITORING_SERVICES
    assert "9090" in {container for _host, container in published_ports("prometheus")}
    assert "3000" in {container for _host, container in published_ports("grafana")}


@pytest.mark.parametrize("service", sorted(MONITORING_SERVICES))
def test_monitoring_bind_mounts_exist(service):
    mounts = bind_mounts(service)
    assert mounts
    for target, source in mounts.items():
        assert source.exists(), f"{target} <- {source}"
        assert source.is_relative_to(MONITORING)


def test_prometheus_scrapes_every_worker_replica_through_dns():
    config_path = bind_mounts("prometheus")["/etc/prometheus/prometheus.yml"]  # the image's default config
    config = yaml.safe_load(config_path.read_text())
    jobs = [job for job in config["scrape_configs"]
            if any("worker" in sd["names"] for sd in job.get("dns_sd_configs", []))]
    assert len(jobs) == 1, "one scrape job for the worker service"
    job = jobs[0]
    (sd,) = [sd for sd in job["dns_sd_configs"] if "worker" in sd["names"]]
    assert sd["type"] == "A"  # compose DNS: one A record per replica
    assert sd["port"] == worker_metrics_port()
    assert job.get("scrape_interval", config.get("global", {}).get("scrape_interval")) == "15s"
    assert job.get("metrics_path", "/metrics") == "/metrics"


def test_grafana_provisions_prometheus_and_lets_viewers_in():
    assert bind_mounts("grafana")["/etc/grafana/provisioning"] == MONITORING / "grafana" / "provisioning"
    sources = [source for doc in load_yaml_files(MONITORING / "grafana" / "provisioning" / "datasources")
               for source in doc["datasources"] if source["type"] == "prometheus"]
    assert len(sources) == 1
    prometheus_port = published_ports("prometheus")[0][1]
    assert sources[0]["url"] == f"http://prometheus:{prometheus_port}"  # the compose service, inside the network
    env = environment("grafana")
    assert env["GF_AUTH_ANONYMOUS_ENABLED"].lower() == "true"
    assert env["GF_AUTH_ANONYMOUS_ORG_ROLE"] == "Viewer"


def test_grafana_loads_the_dashboard_folder():
    providers = [provider for doc in load_yaml_files(MONITORING / "grafana" / "provisioning" / "dashboards")
                 for provider in doc["providers"]]
    assert len(providers) == 1 and providers[0]["type"] == "file"
    folder = bind_mounts("grafana")[providers[0]["options"]["path"]]
    assert (folder / "worker.json").is_file()


def test_dashboard_graphs_every_worker_metric():
    board = dashboard()
    assert board["uid"] == "article-worker" and board["title"] == "Article worker"
    assert board["schemaVersion"] >= 36
    assert dashboard_panels()
    missing = set(WORKER_SERIES) - dashboard_series()
    assert not missing, f"not on the dashboard: {sorted(missing)}"


def test_dashboard_queries_only_series_the_worker_exports():
    exported = set()
    for family in Metrics().registry.collect():
        suffixes = {"counter": ["_total"], "histogram": ["_bucket", "_sum", "_count"]}.get(family.type, [""])
        exported.update(family.name + suffix for suffix in suffixes)
    assert set(WORKER_SERIES) <= exported
    unknown = dashboard_series() - exported
    assert not unknown, f"the worker exports no {sorted(unknown)}"


def test_dashboard_panels_use_the_provisioned_datasource():
    (source,) = [source for doc in load_yaml_files(MONITORING / "grafana" / "provisioning" / "datasources")
                 for source in doc["datasources"] if source["type"] == "prometheus"]
    for panel in dashboard_panels():
        if panel.get("type") == "row":
            continue
        assert panel["targets"], panel["title"]
        for ref in [panel["datasource"], *(target.get("datasource", panel["datasource"]) for target in panel["targets"])]:
            assert ref == {"type": "prometheus", "uid": source["uid"]}, panel["title"]
