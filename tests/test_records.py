"""Dead letters as Kafka records: the original record, plus `dlq.*` headers."""

from datetime import UTC, datetime

from worker.core.model import DeadLetter, Origin, RawRecord, Reason
from worker.stream.records import dead_letter_record

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
