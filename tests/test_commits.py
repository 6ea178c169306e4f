import pytest

from worker.stream.commits import CommitTracker, PartitionOffsets


def test_commits_only_the_contiguous_finished_prefix():
    offsets = PartitionOffsets()
    for offset in (10, 11, 12, 13):
        offsets.start(offset)
    offsets.finish(12)
    assert offsets.committable() is None
    offsets.finish(10)
    assert offsets.committable() == 11
    offsets.finish(11)
    assert offsets.committable() == 13
    assert offsets.committable() is None
    offsets.finish(13)
    assert offsets.committable() == 14 and offsets.in_flight == 0


def test_gaps_in_offsets_such_as_compacted_or_transaction_markers_are_fine():
    offsets = PartitionOffsets()
    offsets.start(5)
    offsets.start(9)
    offsets.finish(9)
    offsets.finish(5)
    assert offsets.committable() == 10


def test_offsets_that_go_backwards_are_refused():
    offsets = PartitionOffsets()
    offsets.start(5)
    with pytest.raises(ValueError):
        offsets.start(5)


def test_tracker_keeps_partitions_apart_and_forgets_revoked_ones():
    tracker = CommitTracker()
    tracker.start("a", 0)
    tracker.start("b", 0)
    tracker.start("b", 1)
    tracker.finish("b", 1)
    tracker.finish("a", 0)
    assert tracker.committable() == {"a": 1}
    assert tracker.in_flight == 1
    assert tracker.forget(["b"]) == {"b": 0}  # offset 0 was still in flight: resume there
    assert tracker.in_flight == 0 and tracker.committable() == {}
    assert tracker.forget(["a"]) == {}


def test_committable_for_some_partitions_leaves_the_others_pending():
    tracker = CommitTracker()
    for partition in ("a", "b"):
        tracker.start(partition, 0)
        tracker.finish(partition, 0)
    assert tracker.committable(["a", "z"]) == {"a": 1}
    assert tracker.committable() == {"b": 1}
