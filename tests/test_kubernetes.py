"""Static checks of deploy/kubernetes/: the manifests parse, probe and scrape the worker's real paths and port,
give a stopping replica time to finish, and set only real settings."""

from __future__ import annotations

from pathlib import Path

import yaml

from worker.client_config import ENV_PREFIX
from worker.settings import OPTIONS, Settings
from worker.stream import backoff
from worker.stream.guarantees import RETRY_BACKOFF_S
from worker.stream.telemetry import LIVENESS_PATH, METRICS_PATH, READINESS_PATH

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "deploy" / "kubernetes"
DOCS = {(doc["kind"], doc["metadata"]["name"]): doc
        for path in sorted(FOLDER.glob("*.yaml")) for doc in yaml.safe_load_all(path.read_text()) if doc}


def deployment() -> dict:
    return DOCS[("Deployment", "article-worker")]


def container() -> dict:
    (worker,) = deployment()["spec"]["template"]["spec"]["containers"]
    return worker


def config() -> dict[str, str]:
    return DOCS[("ConfigMap", "article-worker")]["data"]


def metrics_port() -> int:
    return int(config()["WORKER_METRICS_PORT"])


def test_every_manifest_parses_and_names_its_app():
    kinds = {kind for kind, _name in DOCS}
    assert {"Deployment", "ConfigMap", "PodDisruptionBudget", "Service", "ServiceMonitor", "ScaledObject"} <= kinds
    for doc in DOCS.values():
        assert doc["apiVersion"] and doc["metadata"]["labels"]["app.kubernetes.io/name"] == "article-worker"


def test_probes_point_at_the_workers_endpoints_on_its_metrics_port():
    ports = {port["name"]: port["containerPort"] for port in container()["ports"]}
    assert ports["metrics"] == metrics_port() > 0
    assert container()["readinessProbe"]["httpGet"] == {"path": READINESS_PATH, "port": "metrics"}
    assert container()["livenessProbe"]["httpGet"] == {"path": LIVENESS_PATH, "port": "metrics"}


def test_the_grace_period_covers_the_slowest_page_and_the_flush():
    timeout = float(config().get("WORKER_EXTRACTION_TIMEOUT_S", Settings().extraction_timeout_s))
    flush = max(RETRY_BACKOFF_S) * (1 + backoff.JITTER)  # one produce retry at its longest
    assert deployment()["spec"]["template"]["spec"]["terminationGracePeriodSeconds"] > timeout + flush


def test_environment_names_are_real_settings():
    known = {env for env, _help in OPTIONS.values()}
    names = set(config()) | {item["name"] for item in container().get("env", [])}
    unknown = {name for name in names if name not in known and not name.startswith(tuple(ENV_PREFIX.values()))}
    assert not unknown, sorted(unknown)
    Settings(consumer_config=[(name.removeprefix(ENV_PREFIX["consumer"]).lower(), value)
                              for name, value in config().items() if name.startswith(ENV_PREFIX["consumer"])])


def test_sasl_secrets_come_from_a_secret_not_the_config_map():
    assert "KAFKA_SASL_PASSWORD" not in config()
    env = {item["name"]: item for item in container()["env"]}
    for name in ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD"):
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "article-worker-kafka"


def test_metrics_service_and_service_monitor_scrape_the_metrics_port():
    service = DOCS[("Service", "article-worker-metrics")]["spec"]
    (port,) = service["ports"]
    assert port["port"] == metrics_port() and port["targetPort"] == "metrics"
    assert service["selector"] == deployment()["spec"]["selector"]["matchLabels"]
    (endpoint,) = DOCS[("ServiceMonitor", "article-worker")]["spec"]["endpoints"]
    assert endpoint["port"] == port["name"] and endpoint["path"] == METRICS_PATH


def test_disruption_budget_selects_the_workers():
    budget = DOCS[("PodDisruptionBudget", "article-worker")]["spec"]
    assert budget["selector"] == deployment()["spec"]["selector"]
    assert budget["maxUnavailable"] == 1


def test_keda_scales_on_the_groups_lag_up_to_the_input_partitions():
    scaled = DOCS[("ScaledObject", "article-worker")]["spec"]
    assert scaled["scaleTargetRef"]["name"] == deployment()["metadata"]["name"]
    (trigger,) = scaled["triggers"]
    assert trigger["type"] == "kafka"
    assert trigger["metadata"]["consumerGroup"] == config()["WORKER_GROUP_ID"]
    assert trigger["metadata"]["topic"] == config()["WORKER_INPUT_TOPIC"]
    assert trigger["metadata"]["bootstrapServers"] == config()["KAFKA_BOOTSTRAP_SERVERS"]
    assert trigger["metadata"]["allowIdleConsumers"] == "false"
    compose_partitions = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["topics"]["command"]
    partitions = int(compose_partitions[compose_partitions.index("--partitions") + 1])
    assert 1 <= scaled["minReplicaCount"] <= scaled["maxReplicaCount"] == partitions, \
        "maxReplicaCount must be the input topic's partition count"
    assert DOCS[("TriggerAuthentication", trigger["authenticationRef"]["name"])]
