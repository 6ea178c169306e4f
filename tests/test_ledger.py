"""The loop's bookkeeping, without I/O: tickets, epochs, held records, retries and commit positions."""

from kafka import TopicPartition

from worker.core.model import Origin, RawRecord
from worker.stream.ledger import Ledger, Retry
from worker.stream.records import Kind, OutgoingRecord

TP = TopicPartition("in", 0)
OUT = OutgoingRecord(Kind.ARTICLE, "articles", b"k", b"{}", [])


def raw(offset: int) -> RawRecord:
    return RawRecord(Origin("in", 0, offset), None, b"page %d" % offset)


def test_a_record_is_held_from_admission_until_it_is_closed():
    ledger = Ledger()
    ticket = ledger.admit(TP, 7, raw(7))
    assert ledger.held == 1 and ledger.record(ticket).value == b"page 7"
    assert ledger.positions == {TP: 8}
    ledger.finish(ticket)
    assert ledger.close(ticket).value == b"page 7" and ledger.held == 0
    assert ledger.committable() == {TP: 8}


def test_only_the_contiguous_finished_prefix_is_committable():
    ledger = Ledger()
    tickets = [ledger.admit(TP, offset, raw(offset)) for offset in range(3)]
    ledger.finish(tickets[1])
    assert ledger.committable() == {}
    ledger.finish(tickets[0])
    assert ledger.committable() == {TP: 2}


def test_revocation_orphans_earlier_tickets_and_remembers_where_to_resume():
    ledger = Ledger()
    old = ledger.admit(TP, 0, raw(0))
    assert ledger.revoke({TP}) == [TP]
    assert not ledger.owns(old) and ledger.held == 0  # its record is forgotten
    assert ledger.take_resume_positions() == {TP: 0}
    assert ledger.take_resume_positions() == {}  # taken once
    new = ledger.admit(TP, 0, raw(0))
    assert new.epoch == old.epoch + 1 and ledger.owns(new)


def test_retries_come_due_in_time_and_only_while_owned():
    ledger = Ledger()
    kept, lost = ledger.admit(TP, 0, raw(0)), ledger.admit(TopicPartition("in", 1), 0, raw(0))
    ledger.retry(Retry(10.0, kept, OUT, 1))
    ledger.retry(Retry(5.0, lost, OUT, 1))
    assert ledger.next_retry == 5.0
    ledger.revoke({TopicPartition("in", 1)})
    assert ledger.due(4.0) == []
    assert ledger.due(6.0) == []  # due, but its partition was given away
    assert [r.ticket for r in ledger.due(10.0)] == [kept]
    assert ledger.next_retry is None


def test_dropping_partitions_lets_their_records_go():
    ledger = Ledger()
    ledger.admit(TP, 0, raw(0))
    other = ledger.admit(TopicPartition("in", 1), 0, raw(0))
    assert [t.partition for t in ledger.drop({TP})] == [TP]
    assert ledger.held == 1 and ledger.record(other)
