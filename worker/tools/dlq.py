"""`worker dlq`: look at dead letters and, once a fix is deployed, replay them to the input topic."""

from __future__ import annotations

import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from kafka import KafkaConsumer, KafkaProducer, TopicPartition
from kafka.structs import OffsetAndMetadata

from worker.core.envelope import parse_envelope
from worker.core.model import RawPage
from worker.core.timestamps import utc_moment
from worker.settings import MAX_REQUEST_BYTES, Settings
from worker.stream.records import from_consumer_record
from worker.tools.replayed import Progress, TooScattered

REPLAY_COUNT = "replay.count"
PROGRESS_EVERY = 100


@dataclass(frozen=True, slots=True)
class Letter:
    """A record of the dead-letter topic, with its `dlq.*` headers read."""

    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: list[tuple[str, bytes]]
    reason: str
    time: datetime | None
    original_topic: str
    url: str | None
    replays: int

    def original_headers(self) -> list[tuple[str, bytes]]:
        return [(k, v) for k, v in self.headers if not k.startswith("dlq.") and k != REPLAY_COUNT]


@dataclass(frozen=True, slots=True)
class Selection:
    reasons: frozenset[str] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    url_pattern: re.Pattern | None = None

    def __call__(self, letter: Letter) -> bool:
        return (
            (not self.reasons or letter.reason in self.reasons)
            and (self.since is None or (letter.time is not None and letter.time >= self.since))
            and (self.until is None or (letter.time is not None and letter.time < self.until))
            and (self.url_pattern is None or (letter.url is not None and bool(self.url_pattern.search(letter.url))))
        )


def read_letter(message) -> Letter:
    headers = [(name, value or b"") for name, value in (message.headers or [])]
    text = {name: value.decode("utf-8", "replace") for name, value in headers}
    return Letter(
        partition=message.partition,
        offset=message.offset,
        key=message.key,
        value=message.value,
        headers=headers,
        reason=text.get("dlq.reason", "unknown"),
        time=_time(text.get("dlq.time")),
        original_topic=text.get("dlq.original.topic", "unknown"),
        url=_url(message),
        replays=int(text[REPLAY_COUNT]) if text.get(REPLAY_COUNT, "").isdigit() else 0,
    )


def _time(value: str | None) -> datetime | None:
    try:
        return utc_moment(value) if value else None
    except ValueError:
        return None


def _url(message) -> str | None:
    """The page's URL, read the way the worker reads it (a dead letter may not have one)."""
    page = parse_envelope(from_consumer_record(message))
    return page.url if isinstance(page, RawPage) else None


def letters(consumer: KafkaConsumer, topic: str, from_committed: bool) -> tuple[list[Letter], dict]:
    """Every dead letter up to the topic's current end (from the start, or from the group's committed offset)."""
    partitions = [TopicPartition(topic, p) for p in sorted(consumer.partitions_for_topic(topic) or ())]
    consumer.assign(partitions)
    if not from_committed:
        consumer.seek_to_beginning(*partitions)
    end = consumer.end_offsets(partitions)
    found: list[Letter] = []
    while any(consumer.position(tp) < end[tp] for tp in partitions):
        for batch in consumer.poll(timeout_ms=500).values():
            found.extend(read_letter(m) for m in batch if m.offset < end[TopicPartition(m.topic, m.partition)])
    return found, end


@dataclass
class ReplaySummary:
    selected: int = 0
    replayed: int = 0
    refused: list[tuple[int, int]] = field(default_factory=list)  # (partition, offset) past the replay limit
    skipped: int = 0
    before: int = 0  # replayed (or refused) by an earlier run of the group


def stats(found: list[Letter]) -> dict[str, Counter]:
    return {
        "by reason": Counter(letter.reason for letter in found),
        "by original topic": Counter(letter.original_topic for letter in found),
        "by day": Counter(letter.time.date().isoformat() if letter.time else "unknown" for letter in found),
    }


def replay(settings: Settings, selection: Selection, group: str, target: str, max_replays: int,
           dry_run: bool, out=sys.stderr) -> ReplaySummary:
    """Re-publish selected dead letters (original key, value and headers, plus a replay count), then commit
    what the replay group has handled (worker/tools/replayed.py): the next run replays neither them again
    nor skips the records this one did not select. Raises TooScattered before publishing anything if that
    cannot be remembered."""
    consumer = KafkaConsumer(**settings.consumer_options(group_id=group, enable_auto_commit=False,
                                                         auto_offset_reset="earliest", isolation_level="read_committed"))
    producer = None if dry_run else KafkaProducer(**settings.producer_options(
        acks="all", enable_idempotence=True, max_request_size=MAX_REQUEST_BYTES))
    summary = ReplaySummary()
    try:
        found, end = letters(consumer, settings.dlq_topic, from_committed=True)
        before = {tp.partition: _committed(consumer, tp) for tp in end}
        chosen, handled = [], {partition: [] for partition in before}
        for letter in found:
            if letter.offset in before[letter.partition].handled:
                summary.before += 1
            elif not selection(letter):
                summary.skipped += 1
            elif letter.replays >= max_replays:  # refused for good: handled
                summary.refused.append((letter.partition, letter.offset))
                handled[letter.partition].append(letter.offset)
            else:
                chosen.append(letter)
                handled[letter.partition].append(letter.offset)
        summary.selected = len(chosen)
        commit = {}
        for tp, offset in end.items():
            progress = before[tp.partition].advance((lt.offset for lt in found if lt.partition == tp.partition),
                                                    handled[tp.partition], offset)
            commit[tp] = OffsetAndMetadata(progress.start, progress.encode(), -1)
        if producer:
            pending = []
            for i, letter in enumerate(chosen, 1):
                headers = letter.original_headers() + [(REPLAY_COUNT, str(letter.replays + 1).encode())]
                pending.append(producer.send(target, key=letter.key, value=letter.value, headers=headers))
                if i % PROGRESS_EVERY == 0 or i == len(chosen):
                    _progress(out, i, len(chosen))
            producer.flush()
            for future in pending:
                future.get(timeout=60)  # raises if any was not written: then nothing is committed
            summary.replayed = len(pending)
            consumer.commit(commit)
    finally:
        consumer.close()
        if producer:
            producer.close()
    return summary


def _committed(consumer: KafkaConsumer, partition: TopicPartition) -> Progress:
    committed = consumer.committed(partition, metadata=True)
    return Progress.decode(committed.offset, committed.metadata or "") if committed else Progress(0)


def _progress(out, done: int, total: int, width: int = 30) -> None:
    filled = width * done // total if total else width
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        out.write("\n")
    out.flush()


def main(settings: Settings, arguments, out=sys.stdout) -> int:
    """Entry point of `python -m worker dlq stats|show|replay`."""
    selection = Selection(
        reasons=frozenset(arguments.reason or ()),
        since=arguments.since,
        until=arguments.until,
        url_pattern=re.compile(arguments.url) if arguments.url else None,
    )
    if arguments.dlq_command == "replay":
        try:
            summary = replay(settings, selection, arguments.group or f"{settings.group_id}-dlq-replay",
                             arguments.to or settings.input_topic, arguments.max_replays, arguments.dry_run)
        except TooScattered as err:
            print(f"dlq replay: nothing replayed: the records selected are too scattered for the replay group to "
                  f"remember ({err}); replay everything, or use another --group", file=sys.stderr)
            return 1
        verb = "would replay" if arguments.dry_run else "replayed"
        print(f"{verb} {summary.selected if arguments.dry_run else summary.replayed} to "
              f"{arguments.to or settings.input_topic}; refused {len(summary.refused)} already replayed "
              f"{arguments.max_replays} times; {summary.skipped} not selected; {summary.before} handled by an "
              "earlier replay", file=out)
        for partition, offset in summary.refused:
            print(f"  refused {settings.dlq_topic}:{partition}:{offset}", file=out)
        return 0
    consumer = KafkaConsumer(**settings.consumer_options(enable_auto_commit=False, isolation_level="read_committed"))
    try:
        found, _ = letters(consumer, settings.dlq_topic, from_committed=False)
    finally:
        consumer.close()
    selected = [letter for letter in found if selection(letter)]
    if arguments.dlq_command == "stats":
        print(f"{len(selected)} dead letters in {settings.dlq_topic}", file=out)
        for title, counts in stats(selected).items():
            print(f"{title}:", file=out)
            for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
                print(f"  {count:8d}  {name}", file=out)
        return 0
    for letter in selected[: arguments.limit]:
        print(f"{settings.dlq_topic}:{letter.partition}:{letter.offset}  {letter.reason}  "
              f"{letter.time.isoformat() if letter.time else '-'}  {letter.url or '-'}", file=out)
        for name, value in letter.headers:
            print(f"    {name}: {value.decode('utf-8', 'replace')[:200]}", file=out)
    return 0
