"""The first dead letter of each distinct unexpected error has its traceback logged; repeats do not."""

from __future__ import annotations

import logging
import traceback

from worker.core.model import DeadLetter, Origin, RawRecord, Reason
from worker.stream.records import dead_letter_record
from worker.stream.telemetry import Health, LoopObserver, Metrics
from worker.stream.tracebacks import FirstOccurrences, signature


def _fails_here(message: str) -> None:
    raise ValueError(message)


def _fails_there(message: str) -> None:
    raise ValueError(message)


def crash(function, message: str) -> DeadLetter:
    try:
        function(message)
    except ValueError as err:
        return DeadLetter(Reason.EXTRACTION_ERROR, "extract", str(err), type(err).__name__,
                          stacktrace=traceback.format_exc())
    raise AssertionError("did not raise")


def test_the_same_error_on_other_pages_is_the_same_signature():
    assert signature("ValueError", crash(_fails_here, "page 1").stacktrace) == signature(
        "ValueError", crash(_fails_here, "page 2").stacktrace)
    assert signature("ValueError", crash(_fails_here, "x").stacktrace) != signature(
        "ValueError", crash(_fails_there, "x").stacktrace)
    assert signature("ValueError", "x") != signature("KeyError", "x")


def test_first_occurrences_forget_the_oldest_beyond_their_limit():
    seen = FirstOccurrences(limit=2)
    assert [seen.first(e, "") for e in ("A", "A", "B", "C")] == [True, False, True, True]
    assert seen.first("A", "")  # forgotten: logged again
    assert not seen.first("C", "")


def test_the_loop_logs_a_traceback_once_per_distinct_error(caplog):
    observer = LoopObserver(Metrics(), Health(60), summary_interval_s=60)
    record = RawRecord(Origin("pages.raw", 1, 7), b"k", b"v", ())
    letters = [crash(_fails_here, "page 1"), crash(_fails_here, "page 2"), crash(_fails_there, "page 3"),
               DeadLetter(Reason.NOT_HTML, "decode", "a PDF")]
    with caplog.at_level(logging.WARNING, logger="worker.stream.telemetry"):
        for letter in letters:
            observer.written(record, dead_letter_record("pages.dlq", record, letter))
    logged = [r for r in caplog.records if r.getMessage() == "new error: its first traceback"]
    assert [r.stacktrace for r in logged] == [letters[0].stacktrace, letters[2].stacktrace]
    assert "_fails_here" in logged[0].stacktrace and "_fails_there" in logged[1].stacktrace
    assert (logged[0].error, logged[0].partition, logged[0].offset) == ("ValueError", 1, 7)
    assert sum(r.getMessage() == "dead letter" for r in caplog.records) == 4
