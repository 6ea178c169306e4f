"""`worker dlq stats|show|replay` on the real broker."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import pytest

from harness import ROOT
from harness.broker import producer
from tests.factories import envelope, story
from tests.kafka_helpers import produce, read_all
from worker.core.model import DeadLetter, Origin, RawRecord, Reason
from worker.stream.records import dead_letter_record

pytestmark = pytest.mark.integration
TRACE = 'Traceback (most recent call last):\n  File "worker/core/x.py", line 1, in f\nRuntimeError: why\n'


def letter(topics, offset: int, reason: Reason, url: str, day: int, replays: int | None = None):
    headers = [("source", b"crawler-1")] + ([("replay.count", str(replays).encode())] if replays is not None else [])
    record = RawRecord(Origin(topics["input"], 0, offset), b"key-%d" % offset, envelope(url, html=story(offset)[1]),
                       tuple(headers))
    trace = TRACE if reason is Reason.EXTRACTION_ERROR else ""
    out = dead_letter_record(topics["dlq"], record, DeadLetter(reason, "test", "why", stacktrace=trace),
                             now=datetime(2024, 5, day, 12, tzinfo=UTC))
    return out.key, out.value, out.headers


@pytest.fixture
def dead_letters(bootstrap, topics):
    records = [
        letter(topics, 0, Reason.NO_CONTENT, "https://a.example/1", 1),
        letter(topics, 1, Reason.NO_CONTENT, "https://b.example/2", 2),
        letter(topics, 2, Reason.EXTRACTION_ERROR, "https://a.example/3", 2),
        letter(topics, 3, Reason.EXTRACTION_ERROR, "https://a.example/4", 3, replays=3),
    ]
    produce(bootstrap, topics["dlq"], records)
    return records


def dlq(bootstrap, topics, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "worker", "dlq", *args, "--bootstrap-servers", bootstrap, "--dlq-topic", topics["dlq"],
         "--input-topic", topics["input"], "--group-id", topics["group"]],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_stats_counts_by_reason_topic_and_day(bootstrap, topics, dead_letters):
    out = dlq(bootstrap, topics, "stats")
    assert "4 dead letters" in out
    assert "       2  extraction_error" in out and "       2  no_content" in out
    assert f"       4  {topics['input']}" in out
    assert "       2  2024-05-02" in out and "       1  2024-05-01" in out


def test_show_filters_by_reason_time_and_url(bootstrap, topics, dead_letters):
    out = dlq(bootstrap, topics, "show", "--reason", "extraction_error", "--url", r"a\.example/[34]",
              "--since", "2024-05-02", "--until", "2024-05-03")
    assert out.count(f"{topics['dlq']}:0:") == 1
    assert "https://a.example/3" in out and "dlq.reason: extraction_error" in out and "source: crawler-1" in out
    assert "dlq.exception.stacktrace: Traceback (most recent call last):" in out


def test_replay_republishes_once_and_refuses_loops(bootstrap, topics, dead_letters):
    dry = dlq(bootstrap, topics, "replay", "--dry-run")
    assert "would replay 3" in dry and "refused 1" in dry
    assert read_all(bootstrap, topics["input"]) == []

    out = dlq(bootstrap, topics, "replay")
    assert "replayed 3" in out and f"refused {topics['dlq']}:0:3" in out
    replayed = read_all(bootstrap, topics["input"])
    assert sorted((m.key, m.value) for m in replayed) == sorted((k, v) for k, v, _ in dead_letters[:3])
    for message in replayed:
        assert message.headers == [("source", b"crawler-1"), ("replay.count", b"1")]

    again = dlq(bootstrap, topics, "replay")
    assert "replayed 0" in again
    assert len(read_all(bootstrap, topics["input"])) == 3


def test_a_filtered_replay_leaves_the_rest_replayable_and_nothing_is_replayed_twice(bootstrap, topics, dead_letters):
    extra = [letter(topics, 4, Reason.NOT_HTML, "https://c.example/5", 4),
             letter(topics, 5, Reason.NO_CONTENT, "https://c.example/6", 4)]
    produce(bootstrap, topics["dlq"], extra)
    first = dlq(bootstrap, topics, "replay", "--reason", "extraction_error")
    assert "replayed 1" in first and "refused 1" in first and "4 not selected" in first
    second = dlq(bootstrap, topics, "replay", "--reason", "not_html")
    assert "replayed 1" in second and "3 not selected" in second and "2 handled by an earlier replay" in second
    everything = dlq(bootstrap, topics, "replay")
    assert "replayed 3" in everything and "0 not selected" in everything
    assert "replayed 0" in dlq(bootstrap, topics, "replay")

    replayable = [*dead_letters[:3], *extra]  # the fourth was replayed 3 times already: refused
    replayed = read_all(bootstrap, topics["input"])
    assert sorted(m.key for m in replayed) == sorted(key for key, _, _ in replayable)


def test_dead_letters_of_an_aborted_transaction_are_not_replayed(bootstrap, topics, dead_letters):
    with producer(bootstrap, transactional_id=f"aborted-{topics['group']}") as client:
        client.init_transactions()
        client.begin_transaction()
        key, value, headers = letter(topics, 9, Reason.NO_CONTENT, "https://d.example/9", 5)
        client.send(topics["dlq"], key=key, value=value, headers=headers)
        client.flush()
        client.abort_transaction()
    assert "4 dead letters" in dlq(bootstrap, topics, "stats")
    assert "replayed 3" in dlq(bootstrap, topics, "replay")
    assert b"key-9" not in {m.key for m in read_all(bootstrap, topics["input"])}
