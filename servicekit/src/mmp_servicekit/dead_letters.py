"""Dead letters: parking a message on its topic's dead-letter topic (the one way the consumer and the relay do
it), reading what is parked, and replaying it onto its topic once the cause is fixed.

A replay is recorded on the dead-letter topic itself, as an empty record whose `x-replay-of` header names the
letter, so a letter is replayed once whoever asks and however often: the state lives in Kafka, beside the
letters. Consumers are idempotent anyway, so even a second copy would have no second effect.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mmp_contracts.topics import dead_letter
from mmp_servicekit.metrics import ServiceMetrics

log = logging.getLogger(__name__)

PARKED_BYTES_MAX = 900_000
"""A dead letter keeps at most this much of the message, so parking can never fail on Kafka's size limit."""
REPLAY_OF = "x-replay-of"
PARKING_HEADERS = ("x-error", "x-truncated-from", REPLAY_OF)


class Publisher(Protocol):
    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None: ...


async def park(
    publisher: Publisher,
    metrics: ServiceMetrics,
    body: bytes,
    topic: str,
    key: bytes | None,
    reason: str,
    original: Sequence[tuple[str, bytes]] = (),
) -> None:
    """Parks the message with its own headers (a binary-mode event's attributes are there) and the reason.
    Raises if the broker does not take it: the caller then leaves the message to be tried again."""
    headers = {name: value.decode(errors="replace") for name, value in original if name not in PARKING_HEADERS}
    headers["x-error"] = reason[:2000]
    if len(body) > PARKED_BYTES_MAX:
        headers["x-truncated-from"] = str(len(body))
        body = body[:PARKED_BYTES_MAX]
    await publisher.publish(body, dead_letter(topic), key or b"", headers)
    metrics.dead_letters.labels(topic).inc()
    log.error("parked a message on %s: %s", dead_letter(topic), reason[:500])


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    """The topic it was read from, where a replay puts it back."""
    partition: int
    offset: int
    key: bytes
    value: bytes
    error: str
    parked_at: datetime
    truncated_from: int | None
    replayed: bool
    headers: tuple[tuple[str, str], ...] = ()
    """The message's own headers, as it came."""

    @property
    def ref(self) -> str:
        """How to name it: `<partition>:<offset>` on its dead-letter topic."""
        return f"{self.partition}:{self.offset}"

    @property
    def replayable(self) -> bool:
        return not self.replayed and self.truncated_from is None


async def read(consumer_config: dict[str, object], topic: str) -> list[DeadLetter]:
    """Every letter parked from `topic`, oldest first, each saying whether it was replayed."""
    partitions = await _partitions(consumer_config, dead_letter(topic))
    if not partitions:
        return []
    consumer = AIOKafkaConsumer(**consumer_config, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records = []
        while any([await consumer.position(p) < ends[p] for p in partitions]):
            batch = await consumer.getmany(*partitions, timeout_ms=1_000)
            records += [record for part in batch.values() for record in part]
    finally:
        await consumer.stop()
    replayed = {_header(record.headers, REPLAY_OF) for record in records} - {None}
    letters = []
    for record in records:
        if _header(record.headers, REPLAY_OF) is not None:
            continue
        truncated = _header(record.headers, "x-truncated-from")
        letters.append(
            DeadLetter(
                topic=topic,
                partition=record.partition,
                offset=record.offset,
                key=record.key or b"",
                value=record.value or b"",
                error=_header(record.headers, "x-error") or "",
                parked_at=datetime.fromtimestamp(record.timestamp / 1000, UTC),
                truncated_from=int(truncated) if truncated else None,
                replayed=f"{record.partition}:{record.offset}" in replayed,
                headers=tuple(
                    (name, value.decode(errors="replace"))
                    for name, value in record.headers or ()
                    if name not in PARKING_HEADERS
                ),
            )
        )
    return letters


async def _partitions(client_config: dict[str, object], topic: str) -> list[TopicPartition]:
    """Asked of the broker: a new consumer's metadata holds no topic on Apache Kafka until it subscribes, and
    `consumer.topics()` names the topics without their partitions."""
    admin = AIOKafkaAdminClient(**client_config)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return sorted(
        TopicPartition(topic, p["partition"]) for t in described if t["error_code"] == 0 for p in t["partitions"]
    )


async def replay(publisher: Publisher, letters: Sequence[DeadLetter]) -> list[DeadLetter]:
    """Puts each replayable letter back on its topic, then records that it did; returns those it replayed.
    A letter cut short when parked is never replayed: only its start was kept."""
    done = []
    for letter in letters:
        if not letter.replayable:
            continue
        await publisher.publish(
            letter.value, letter.topic, letter.key, {**dict(letter.headers), "x-replayed-from": letter.ref}
        )
        await publisher.publish(b"", dead_letter(letter.topic), letter.key, {REPLAY_OF: letter.ref})
        done.append(letter)
        log.info("replayed %s %s onto %s", dead_letter(letter.topic), letter.ref, letter.topic)
    return done


def _header(headers: Sequence[tuple[str, bytes]] | None, name: str) -> str | None:
    for key, value in headers or ():
        if key == name:
            return value.decode(errors="replace")
    return None
