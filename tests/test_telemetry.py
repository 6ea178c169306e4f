import subprocess
import sys
import urllib.error
import urllib.request

from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from harness import free_port
from harness.wait import wait_until
from worker import __version__
from worker.stream.telemetry import PREFIX, Health, Metrics, serve_http

STANDARD_PREFIXES = ("process_", "python_")  # prometheus-client's process, platform and GC collectors


def get(port: int, path: str) -> tuple[int, str]:
    """Status and body."""
    status, _content_type, body = fetch(port, path)
    return status, body


def fetch(port: int, path: str, accept: str | None = None) -> tuple[int, str, str]:
    """Status, Content-Type and body."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read().decode()


def samples(metrics: Metrics) -> dict[str, list]:
    text = generate_latest(metrics.registry).decode()
    return {family.name: family.samples for family in text_string_to_metric_families(text)}


def test_metrics_and_health_endpoints():
    metrics, health = Metrics(), Health(liveness_timeout_s=60)
    metrics.articles_out.inc(3)
    metrics.dead_letters.labels("not_html").inc()
    metrics.consumer_lag.labels("pages.raw", "2").set(7)
    port = free_port()
    server = serve_http(port, metrics, health, host="127.0.0.1")
    try:
        status, content_type, body = fetch(port, "/metrics")
        assert status == 200 and content_type.startswith("text/plain; version=0.0.4")
        for line in (f"{PREFIX}articles_out_total 3.0", f'{PREFIX}dead_letters_total{{reason="not_html"}} 1.0',
                     f'{PREFIX}consumer_lag{{partition="2",topic="pages.raw"}} 7.0', f"{PREFIX}extraction_seconds_bucket",
                     f"{PREFIX}end_to_end_seconds_bucket", f"{PREFIX}records_in_total", f"{PREFIX}in_flight",
                     f"{PREFIX}extractor_restarts_total", "process_resident_memory_bytes", "process_cpu_seconds_total"):
            assert line in body, line
        assert get(port, "/healthz")[0] == 200
        assert get(port, "/healthz?probe=kubelet")[0] == 200  # a query string is not another path
        assert get(port, "/readyz")[0] == 503  # not warm, not in the group
        health.warm, health.in_group = True, True
        assert get(port, "/readyz")[0] == 200
        assert get(port, "/nope")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


def test_metrics_speak_openmetrics_when_asked():
    """prometheus-client's handler negotiates the format, as Prometheus asks for OpenMetrics first."""
    metrics = Metrics()
    metrics.records_in.inc()
    server = serve_http(0, metrics, Health(liveness_timeout_s=60), host="127.0.0.1")
    try:
        status, content_type, body = fetch(server.server_address[1], "/metrics",
                                         accept="application/openmetrics-text; version=1.0.0")
    finally:
        server.shutdown()
        server.server_close()
    assert status == 200 and content_type.startswith("application/openmetrics-text")
    assert body.endswith("# EOF\n") and f"{PREFIX}records_in_total 1.0" in body


def test_every_metric_has_the_application_prefix_or_is_a_standard_one():
    names = samples(Metrics())
    ours = {name for name in names if name.startswith(PREFIX)}
    assert len(ours) >= 10
    assert not {name for name in names if not name.startswith((PREFIX, *STANDARD_PREFIXES))}
    assert {"process_resident_memory_bytes", "process_cpu_seconds", "python_info"} <= set(names)


def test_build_info_names_the_versions_the_output_depends_on():
    (sample,) = samples(Metrics())[PREFIX + "build_info"]
    assert sample.value == 1
    assert sample.labels["version"] == __version__
    assert sample.labels["python"] == ".".join(map(str, sys.version_info[:3]))
    assert sample.labels["trafilatura"] and sample.labels["kafka_python"]


def test_extractor_memory_counts_every_descendant_process():
    metrics = Metrics()
    before = samples(metrics)[PREFIX + "extractor_processes"][0].value
    # A child and its own child, as the forkserver and its extractor processes are; each waits on its stdin.
    child = subprocess.Popen([sys.executable, "-c", "import subprocess, sys; "
                              "subprocess.run([sys.executable, '-c', 'input()'], stdin=sys.stdin); input()"],
                             stdin=subprocess.PIPE)
    try:
        wait_until(lambda: samples(metrics)[PREFIX + "extractor_processes"][0].value == before + 2, timeout=30,
                   interval=0.05, message="both descendant processes to be counted")
        assert samples(metrics)[PREFIX + "extractor_resident_memory_bytes"][0].value > 2 * 1024 * 1024
    finally:
        child.stdin.close()
        child.wait(timeout=30)
    assert samples(metrics)[PREFIX + "extractor_processes"][0].value == before


def test_liveness_fails_when_the_loop_stops_turning():
    health = Health(liveness_timeout_s=0.05)
    health.warm = health.in_group = True
    assert health.alive and health.ready
    wait_until(lambda: not health.alive, timeout=5, interval=0.01, message="liveness to fail")
    assert not health.alive and not health.ready
    health.beat()
    assert health.alive


def test_a_partition_that_moved_away_stops_reporting_lag():
    metrics = Metrics()
    metrics.consumer_lag.labels("t", "1").set(5)
    metrics.forget_partition("t", 1)
    metrics.forget_partition("t", 9)  # never reported: no error
    assert f"{PREFIX}consumer_lag{{".encode() not in generate_latest(metrics.registry)
