"""Operator commands around the worker: create its topics, watch what it publishes."""

from __future__ import annotations

import logging
import sys

import orjson
from kafka import KafkaAdminClient, KafkaConsumer
from kafka.admin import NewTopic
from kafka.errors import TopicAlreadyExistsError

from worker.settings import Settings

log = logging.getLogger(__name__)


def create_topics(settings: Settings, partitions: int) -> int:
    admin = KafkaAdminClient(**settings.admin_options)
    wanted = [
        NewTopic(settings.input_topic, partitions, 1),
        NewTopic(settings.output_topic, partitions, 1),
        NewTopic(settings.dlq_topic, 1, 1),
    ]
    existing = set(admin.list_topics())
    missing = [topic for topic in wanted if topic.name not in existing]
    try:
        if missing:
            admin.create_topics(missing)
    except TopicAlreadyExistsError:
        pass  # another replica or a parallel run created it first
    finally:
        admin.close()
    log.info("topics ready", extra={"new_topics": [t.name for t in missing]})
    return 0


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
