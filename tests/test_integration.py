"""End to end on a real broker: every input ends as exactly one article or one intact dead letter."""

from __future__ import annotations

import signal

import orjson
import pytest

from harness import free_port
from harness.wait import wait_until
from harness.workers import wait_for_group
from tests.factories import poison_records
from tests.kafka_helpers import MID_STREAM_PAGES, assignments, good_records, kill_once_committed, lag, outcomes, produce
from tests.test_telemetry import get

pytestmark = pytest.mark.integration


def test_every_input_becomes_one_article_or_one_intact_dead_letter(bootstrap, topics, start_worker):
    poison = poison_records()
    inputs = good_records(8) + poison
    coordinates = produce(bootstrap, topics["input"], inputs)
    port = free_port()
    worker = start_worker("--processes", "2", "--metrics-port", str(port))

    found = wait_until(lambda: (f := outcomes(bootstrap, topics)) and len(f) == len(inputs) and f,
                       timeout=120, message="an outcome for every input")
    assert get(port, "/readyz")[0] == 200 and get(port, "/healthz")[0] == 200
    metrics = wait_until(lambda: (m := get(port, "/metrics")[1]) and "\narticle_worker_articles_out_total 8.0" in m and m,
                         timeout=30, message="the metrics to count every article")
    assert f"\narticle_worker_records_in_total {len(inputs)}.0" in metrics
    assert '\narticle_worker_dead_letters_total{reason="invalid_envelope"} 2.0' in metrics
    assert worker.stop(signal.SIGTERM) == 0, worker.logs()

    assert set(found) == set(coordinates)
    assert all(len(results) == 1 for results in found.values())
    for (key, value, headers), where in zip(inputs, coordinates, strict=True):
        kind, message = found[where][0]
        if (key, value, headers) in poison:
            assert kind == "dead"
            assert (message.key, message.value) == (key, value)
            assert message.headers[: len(headers)] == headers
            annotations = dict(message.headers)
            assert annotations["dlq.original.topic"].decode() == topics["input"]
            assert annotations["dlq.reason"].decode() in {"invalid_envelope", "not_html", "not_article"}
            assert annotations["dlq.stage"] and annotations["dlq.message"] and annotations["dlq.time"]
            assert annotations["dlq.original.consumer.group"].decode() == topics["group"]
            assert annotations["dlq.original.timestamp.type"] == b"CreateTime"
            assert int(annotations["dlq.original.timestamp"]) > 1_700_000_000_000  # ms since the epoch, as produced
        else:
            assert kind == "article"
            article = orjson.loads(message.value)
            assert message.key == article["id"].encode()
            assert article["title"].startswith("Story ") and article["authors"] == ["Jane Doe"]
    assert set(lag(bootstrap, topics).values()) == {0}


def test_kill_9_mid_stream_loses_nothing(bootstrap, topics, start_worker):
    # Long pages on one process: the stream lasts many seconds, so the kill lands mid-stream.
    coordinates = produce(bootstrap, topics["input"], good_records(MID_STREAM_PAGES, paragraphs=60))
    first = start_worker("--processes", "1", "--max-in-flight", "4")
    wait_for_group(bootstrap, topics["group"], 1, [first])
    kill_once_committed(first, bootstrap, topics, 5)
    done_before = len(outcomes(bootstrap, topics))
    assert done_before < len(coordinates), "the worker finished before it could be killed mid-stream"

    second = start_worker("--processes", "2")
    found = wait_until(lambda: (f := outcomes(bootstrap, topics)) and set(f) == set(coordinates) and f,
                       timeout=180, message="every input after the restart")
    assert second.stop(signal.SIGTERM) == 0, second.logs()
    assert all(kind == "article" for results in found.values() for kind, _ in results)
    assert set(lag(bootstrap, topics).values()) == {0}


def test_two_workers_in_one_group_share_the_partitions(bootstrap, topics, start_worker):
    coordinates = produce(bootstrap, topics["input"], good_records(12))
    workers = [start_worker("--processes", "1"), start_worker("--processes", "1")]

    owned = wait_until(lambda: (a := assignments(bootstrap, topics)) and len(a) == 2 and all(a) and a,
                       timeout=120, message="two members with partitions")
    assert sorted(owned[0] + owned[1]) == [0, 1, 2, 3]
    wait_until(lambda: set(outcomes(bootstrap, topics)) == set(coordinates), timeout=120, message="every input")
    assert [w.stop(signal.SIGTERM) for w in workers] == [0, 0]

