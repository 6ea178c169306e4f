"""The replay group's memory of what it handled, as kept in a commit's offset and metadata."""

from __future__ import annotations

import pytest

from worker.tools.replayed import METADATA_LIMIT, Progress, TooScattered


def test_a_filtered_run_keeps_the_offset_at_the_first_record_it_did_not_select():
    first = Progress(0).advance(offsets=[0, 1, 2, 3, 5], handled=[2, 3], end=6)
    assert first == Progress(0, frozenset({2, 3}))
    again = Progress.decode(first.start, first.encode())
    assert again == first
    assert again.advance(offsets=[0, 1, 2, 3, 5], handled=[0, 1, 5], end=6) == Progress(6)


def test_gaps_in_offsets_do_not_hold_the_start_back():
    # transaction markers take offsets of their own: 1 and 3 are not records
    assert Progress(0).advance(offsets=[0, 2, 4], handled=[0, 2], end=5) == Progress(4)
    assert Progress(0).advance(offsets=[0, 2, 4], handled=[0, 2, 4], end=5) == Progress(5)


def test_ranges_encode_compactly_and_foreign_metadata_counts_for_nothing():
    assert Progress(0, frozenset({1, 2, 3, 7, 9, 10})).encode() == "1-3,7,9-10"
    assert Progress.decode(0, "1-3,7,9-10").handled == {1, 2, 3, 7, 9, 10}
    assert Progress.decode(5, "1-3,7") == Progress(5, frozenset({7}))
    assert Progress.decode(4, "written by someone else") == Progress(4)
    assert Progress.decode(4, "") == Progress(4)


def test_what_cannot_be_remembered_is_refused():
    scattered = Progress(0, frozenset(range(1, 4 * METADATA_LIMIT, 2)))
    with pytest.raises(TooScattered):
        scattered.encode()
