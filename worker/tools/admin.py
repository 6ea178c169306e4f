"""Operator commands around the worker: create its topics, watch what it publishes."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

import orjson
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import ConfigResource, ConfigResourceType
from kafka.errors import KafkaError, TopicAlreadyExistsError

from worker.settings import Settings

log = logging.getLogger(__name__)


# A dead letter is the input record as it came plus dlq.* headers (a stack trace among them): room for those.
DLQ_HEADER_ROOM_BYTES = 64 * 1024
BROKER_DEFAULT = -1  # replication factor: the broker's default.replication.factor (CreateTopics v4+, Kafka 2.4+)


@dataclass(frozen=True, slots=True)
class TopicPlan:
    """What `worker topics` wants of one topic: partitions and the configs it sets."""

    name: str
    partitions: int
    configs: dict[str, str]


def create_topics(settings: Settings, partitions: int, replication_factor: int | None = None,
                  compact_output: bool = False) -> int:
    """Create the missing topics; report, without changing them, those that exist and differ."""
    admin = KafkaAdminClient(**settings.admin_options)
    try:
        data = [TopicPlan(settings.input_topic, partitions, {}),
                TopicPlan(settings.output_topic, partitions, {"cleanup.policy": "compact"} if compact_output else {})]
        created = _create_missing(admin, data, replication_factor)
        # The dead letters must take any input record: size their limit from the input's, once that exists.
        input_limit = int(_configs(admin, settings.input_topic)["max.message.bytes"])
        dlq = TopicPlan(settings.dlq_topic, 1, {"max.message.bytes": str(input_limit + DLQ_HEADER_ROOM_BYTES)})
        created += _create_missing(admin, [dlq], replication_factor)
        differences = [difference for plan in [*data, dlq] if plan.name not in created
                       for difference in _differences(admin, plan, replication_factor)]
    except KafkaError as err:  # e.g. a replication factor above the broker count: one line, not a traceback
        log.error(f"cannot create the topics: {err}")
        return 1
    finally:
        admin.close()
    for topic, setting, wanted, found in differences:
        log.warning("existing topic differs, left as it is", extra={
            "topic": topic, "setting": setting, "wanted": wanted, "found": found})
    log.info("topics ready", extra={"new_topics": created, "differing": len(differences)})
    return 0


def _create_missing(admin: KafkaAdminClient, plans: list[TopicPlan], replication_factor: int | None) -> list[str]:
    existing = set(admin.list_topics())
    missing = {plan.name: {"num_partitions": plan.partitions, "configs": plan.configs,
                           "replication_factor": BROKER_DEFAULT if replication_factor is None else replication_factor}
               for plan in plans if plan.name not in existing}
    if missing:
        try:
            admin.create_topics(missing, wait_for_metadata=True)
        except TopicAlreadyExistsError:
            pass  # another replica or a parallel run created it first
    return list(missing)


def _configs(admin: KafkaAdminClient, topic: str) -> dict[str, str]:
    """A topic's effective configs, broker defaults included."""
    described = admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)], config_filter="all")
    return {name: config["value"] for name, config in described["topic"][topic].items()}


def _differences(admin: KafkaAdminClient, plan: TopicPlan, replication_factor: int | None):
    """(topic, setting, wanted, found) for each way an existing topic is not as planned."""
    (described,) = admin.describe_topics([plan.name])
    found_partitions = described["partitions"]
    if len(found_partitions) != plan.partitions:
        yield plan.name, "partitions", plan.partitions, len(found_partitions)
    replicas = {len(partition["replica_nodes"]) for partition in found_partitions}
    if replication_factor is not None and replicas != {replication_factor}:
        yield plan.name, "replication factor", replication_factor, sorted(replicas)
    configs = _configs(admin, plan.name)
    for name, wanted in plan.configs.items():
        found = configs.get(name)
        short = name == "max.message.bytes" and found is not None and int(found) < int(wanted)
        if short or (name != "max.message.bytes" and found != wanted):
            yield plan.name, name, wanted, found


def watch(settings: Settings, out=sys.stdout) -> int:
    """Print one line per article and per dead letter as they arrive, from the start of both topics."""
    consumer = KafkaConsumer(
        settings.output_topic, settings.dlq_topic,
        **settings.consumer_options(auto_offset_reset="earliest", enable_auto_commit=False),
    )
    try:
        for message in consumer:
            print(describe(message, settings.output_topic), file=out, flush=True)
    except KeyboardInterrupt:
        pass
    finally:
        consumer.close()
    return 0


def describe(message, output_topic: str) -> str:
    if message.topic == output_topic:
        article = orjson.loads(message.value)
        by = ", ".join(article["authors"]) or "unknown author"
        return (f"ARTICLE  {article['title'][:70]!r} by {by}, {article['published_at']}, "
                f"{article['word_count']} words, {article['language']}")
    headers = {name: value.decode("utf-8", "replace") for name, value in message.headers}
    where = f"{headers.get('dlq.original.topic')}:{headers.get('dlq.original.partition')}:{headers.get('dlq.original.offset')}"
    return f"DEAD     {headers.get('dlq.reason')} at {where}: {headers.get('dlq.message', '')[:100]}"
