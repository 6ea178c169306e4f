"""Dead letters as Kafka records: the original record, plus `dlq.*` headers."""

from datetime import UTC, datetime

from kafka.consumer.fetcher import ConsumerRecord

from worker.core.model import DeadLetter, Origin, RawRecord, Reason
from worker.stream.records import Outputs, dead_letter_record, from_consumer_record

RECORD = RawRecord(Origin("pages", 2, 9), b"key", b"value", (("source", b"crawler-1"),))
NOW = datetime(2024, 5, 1, 12, tzinfo=UTC)


def test_a_dead_letter_from_an_exception_carries_its_stacktrace():
    trace = 'Traceback (most recent call last):\n  File "x.py", line 1, in f\nRuntimeError: boom\n'
    letter = DeadLetter(Reason.EXTRACTION_ERROR, "extract", "boom", "RuntimeError", stacktrace=trace)
    out = dead_letter_record("dlq", RECORD, letter, now=NOW)
    headers = dict(out.headers)
    assert headers["dlq.exception.stacktrace"] == trace.encode()
    assert (out.key, out.value, out.headers[0]) == (b"key", b"value", ("source", b"crawler-1"))


def test_a_dead_letter_without_an_exception_has_no_stacktrace_header():
    out = dead_letter_record("dlq", RECORD, DeadLetter(Reason.NO_CONTENT, "classify", "only 3 words"), now=NOW)
    assert "dlq.exception.stacktrace" not in dict(out.headers)
    assert dict(out.headers)["dlq.reason"] == b"no_content"


def test_a_dead_letter_names_the_original_timestamp_and_the_consumer_group():
    record = RawRecord(Origin("pages", 2, 9), b"key", b"value", (), timestamp_ms=1714564800123, timestamp_type=1)
    out = dead_letter_record("dlq", record, DeadLetter(Reason.NOT_HTML, "decode", "a PDF"), now=NOW,
                             consumer_group="article-extractor")
    headers = dict(out.headers)
    assert headers["dlq.original.timestamp"] == b"1714564800123"
    assert headers["dlq.original.timestamp.type"] == b"LogAppendTime"
    assert headers["dlq.original.consumer.group"] == b"article-extractor"
    assert (headers["dlq.original.topic"], headers["dlq.original.partition"], headers["dlq.original.offset"]) == (
        b"pages", b"2", b"9")


def test_a_record_without_a_timestamp_or_group_gets_no_empty_headers():
    record = RawRecord(Origin("pages", 2, 9), b"key", b"value", (), timestamp_ms=-1, timestamp_type=-1)
    headers = dict(dead_letter_record("dlq", record, DeadLetter(Reason.NOT_HTML, "decode", "a PDF"), now=NOW).headers)
    assert not {"dlq.original.timestamp", "dlq.original.timestamp.type", "dlq.original.consumer.group"} & set(headers)


def test_the_outputs_of_a_consumer_group_carry_it_to_their_dead_letters():
    outputs = Outputs("articles", "dlq", 1_000_000, consumer_group="extractors-eu")
    record = RawRecord(Origin("pages", 0, 1), None, b"x", (), timestamp_ms=5, timestamp_type=0)
    headers = dict(outputs.of(record, DeadLetter(Reason.NOT_HTML, "decode", "binary")).headers)
    assert headers["dlq.original.consumer.group"] == b"extractors-eu"
    assert headers["dlq.original.timestamp.type"] == b"CreateTime"


def test_a_consumed_record_keeps_its_timestamp_and_its_type():
    message = ConsumerRecord("pages", 1, 0, 7, 1714564800123, 1, b"k", b"v", [("a", b"1")], None, 1, 1, -1)
    record = from_consumer_record(message)
    assert (record.timestamp_ms, record.timestamp_type, record.headers) == (1714564800123, 1, (("a", b"1"),))
