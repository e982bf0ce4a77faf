"""The Kafka broker of a service: low-latency fetches, commits only after the handler's write."""

import asyncio
import contextlib
import dataclasses
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware

from mmp_servicekit.consumer import EventRouter
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.settings import ServiceSettings, kafka_security


def make_broker(settings: ServiceSettings, service: str, metrics: ServiceMetrics) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap,
        client_id=service,
        security=kafka_security(settings).faststream(),
        enable_idempotence=settings.kafka_idempotence,
        acks="all",
        linger_ms=0,
        middlewares=[KafkaPrometheusMiddleware(registry=metrics.registry, app_name=service)],
        graceful_timeout=10.0,
        logger=None,
    )


class BrokerPublisher:
    """What the outbox relay and the dead-letter path publish through."""

    def __init__(self, broker: KafkaBroker) -> None:
        self.broker = broker

    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        await self.broker.publish(
            value,
            topic,
            key=key,
            headers={"content-type": "application/cloudevents+json", **(headers or {})},
        )


def subscribe(
    broker: KafkaBroker, topics: str | Sequence[str], group_id: str, router: EventRouter, settings: ServiceSettings
) -> "Pace":
    """One consumer-group member per service, reading all its topics in batches, feeding a router.

    One member rather than one per topic: every member joining a group makes the whole group rebalance.
    Batches: the offsets of a batch are committed once, after every message of it was handled (NACK_ON_ERROR),
    instead of a commit round trip per message; an exception that escapes the router's retries and dead-letter
    path leaves the whole batch to be redelivered, which idempotent handlers make harmless. Within a batch the
    messages of one key (one customer) are handled in order and different keys at once (`Lanes`).
    FastStream's Kafka default, ACK_FIRST, would be at-most-once.
    """
    names = [topics] if isinstance(topics, str) else list(topics)
    options: dict[str, Any] = {
        "group_id": group_id,
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "auto_offset_reset": "earliest",
        "fetch_max_wait_ms": settings.kafka_fetch_max_wait_ms,
        "batch": True,
        "max_records": settings.kafka_batch_max_records,
        "batch_timeout_ms": BATCH_WAIT_MS,
        "title": f"{group_id}:{','.join(names)}",
    }
    lanes = Lanes(router, settings.kafka_batch_lanes)
    subscriber = broker.subscriber(*names, parser=headers_made_text, **options)
    pace = Pace(subscriber, settings.kafka_fetch_max_wait_ms, settings.kafka_fetch_idle_max_wait_ms)

    @subscriber
    async def consume(batch: KafkaMessage) -> None:
        pace.arrived()
        await lanes.deliver(batch.raw_message)

    return pace


async def headers_made_text(
    records: tuple[ConsumerRecord[bytes, bytes], ...], parse: Callable[[Any], Awaitable[Any]]
) -> Any:
    """FastStream decodes every header of a batch as UTF-8 before any handler runs, and raises on one that is not:
    the batch would be fetched again forever, blocking its partitions. A record with such a header is handed on
    with it made text (U+FFFD for what is not); the router then parks it or skips it as it would any other."""
    return await parse(tuple(_text_headers(record) for record in records))


def _text_headers(record: ConsumerRecord[bytes, bytes]) -> ConsumerRecord[bytes, bytes]:
    try:
        for _, value in record.headers:
            value.decode()
    except UnicodeDecodeError:
        text = tuple((name, value.decode(errors="replace").encode()) for name, value in record.headers)
        return dataclasses.replace(record, headers=text)
    return record


class Pace:
    """How long a fetch may wait at the broker. Kafka answers a waiting fetch as soon as data arrives, so there
    the wait is fixed. tansu holds a fetch for its whole wait, so a short wait keeps each hop fast and burns CPU
    when nothing comes: with an idle wait set, the wait doubles while the service is idle, up to it, and drops
    back to the short one at the first message (which may then wait up to the idle wait, once)."""

    IDLE_AFTER = 1.0

    def __init__(self, subscriber: Any, busy_ms: int, idle_ms: int) -> None:
        self.subscriber = subscriber
        self.busy_ms = busy_ms
        self.idle_ms = idle_ms
        self.wait_ms = busy_ms
        self.last = time.monotonic()
        self._task: asyncio.Task[None] | None = None

    def arrived(self) -> None:
        self.last = time.monotonic()
        if self.wait_ms != self.busy_ms:
            self._set(self.busy_ms)

    async def start(self) -> None:
        if self.idle_ms > self.busy_ms:
            self._task = asyncio.create_task(self._slow_down_when_idle(), name="fetch-pace")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _slow_down_when_idle(self) -> None:
        while True:
            await asyncio.sleep(self.IDLE_AFTER / 4)
            if time.monotonic() - self.last > self.IDLE_AFTER and self.wait_ms < self.idle_ms:
                self._set(min(self.idle_ms, self.wait_ms * 2))

    def _set(self, wait_ms: int) -> None:
        self.wait_ms = wait_ms
        consumer = getattr(self.subscriber, "consumer", None)
        fetcher = getattr(consumer, "_fetcher", None)
        if fetcher is not None:  # aiokafka reads it for every fetch it sends
            fetcher._fetch_max_wait_ms = wait_ms


BATCH_WAIT_MS = 1_000
"""How long the consume loop waits for a batch when none is buffered; a batch is handed over as soon as any
message is there, so this costs no latency, and a long wait keeps the loop from spinning while idle."""


class Lanes:
    """Handles a batch with one lane per key: a customer's messages in the order they came, customers at once."""

    def __init__(self, router: EventRouter, width: int) -> None:
        self.router = router
        self.width = asyncio.Semaphore(width)

    async def deliver(self, records: Sequence[ConsumerRecord[bytes, bytes]]) -> None:
        by_key: dict[bytes | None, list[ConsumerRecord[bytes, bytes]]] = defaultdict(list)
        for record in records:
            by_key[record.key].append(record)
        outcomes = await asyncio.gather(*(self._lane(lane) for lane in by_key.values()), return_exceptions=True)
        failed = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
        if failed:
            raise failed[0]  # the batch is not committed: Kafka redelivers it

    async def _lane(self, records: list[ConsumerRecord[bytes, bytes]]) -> None:
        async with self.width:
            for record in records:
                await self.router.deliver(record.value or b"", record.topic, record.key, record.headers or ())
