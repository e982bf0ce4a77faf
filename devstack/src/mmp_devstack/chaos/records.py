"""What the topics hold: where each partition ended when the campaign began, and every record written since."""

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

from mmp_contracts import topics
from mmp_devstack.chaos.settle import end_offsets
from mmp_devstack.chaos.watcher import partitions_of

Offsets = dict[TopicPartition, int]


async def starts(options: dict[str, Any]) -> Offsets:
    return await end_offsets(options, list(topics.ALL))


@dataclass
class Written:
    """The records of the campaign, per topic: how many, and the CloudEvents among them."""

    counts: Counter[str] = field(default_factory=Counter)
    events: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))

    def copies(self, topic: str) -> int:
        """Records carrying an event id already seen on the topic: published again (a relay after a crash, a BSS
        sending again) and to be ignored by every reader."""
        ids = Counter(str(event.get("id")) for event in self.events[topic])
        return sum(n - 1 for n in ids.values() if n > 1)


async def written_since(options: dict[str, Any], since: Offsets) -> Written:
    partitions = await partitions_of(options, list(topics.ALL))
    consumer = AIOKafkaConsumer(**options, enable_auto_commit=False, max_partition_fetch_bytes=4_000_000)
    await consumer.start()
    found = Written()
    try:
        consumer.assign(partitions)
        ends = await consumer.end_offsets(partitions)
        for partition in partitions:
            consumer.seek(partition, since.get(partition, 0))
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            batch = await consumer.getmany(*partitions, timeout_ms=1_000)
            for partition, records in batch.items():
                for record in records:
                    if record.offset >= ends[partition]:
                        continue
                    found.counts[record.topic] += 1
                    event = _event(record.value)
                    if event is not None:
                        found.events[record.topic].append(event)
    finally:
        await consumer.stop()
    return found


def _event(value: bytes | None) -> dict[str, Any] | None:
    if not value or len(value) > 200_000:
        return None
    try:
        event = json.loads(value)
    except (ValueError, RecursionError):  # poison: not JSON, or nested deeper than the parser goes
        return None
    if isinstance(event, dict) and isinstance(event.get("data"), dict) and isinstance(event.get("type"), str):
        return event
    return None
