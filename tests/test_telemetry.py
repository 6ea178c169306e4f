import urllib.error
import urllib.request

from harness import free_port
from harness.wait import wait_until
from worker.stream.telemetry import Health, Metrics, serve_http


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_metrics_and_health_endpoints():
    metrics, health = Metrics(), Health(liveness_timeout_s=60)
    metrics.articles_out.inc(3)
    metrics.dead_letters.labels("not_html").inc()
    metrics.consumer_lag.labels("pages.raw", "2").set(7)
    port = free_port()
    server = serve_http(port, metrics, health, host="127.0.0.1")
    try:
        status, body = get(port, "/metrics")
        assert status == 200
        for line in ("worker_articles_out_total 3.0", 'worker_dead_letters_total{reason="not_html"} 1.0',
                     'worker_consumer_lag{partition="2",topic="pages.raw"} 7.0', "worker_extraction_seconds_bucket",
                     "worker_end_to_end_seconds_bucket", "worker_records_in_total", "worker_in_flight",
                     "worker_extractor_restarts_total"):
            assert line in body, line
        assert get(port, "/healthz")[0] == 200
        assert get(port, "/readyz")[0] == 503  # not warm, not in the group
        health.warm, health.in_group = True, True
        assert get(port, "/readyz")[0] == 200
        assert get(port, "/nope")[0] == 404
    finally:
        server.shutdown()


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
    from prometheus_client import generate_latest

    assert b"worker_consumer_lag{" not in generate_latest(metrics.registry)
