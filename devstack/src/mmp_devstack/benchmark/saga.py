"""Customers sent through the create saga, each step timed from the events the services publish.

The time of a step is the Kafka timestamp of the event that ends it (set when the service's relay published
it), so the bench's own reading of the topics adds nothing to what is measured.
"""

import asyncio
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mmp_contracts import topics
from mmp_devstack.scenarios import command, customer

STEPS = (
    ("intake", "sent", "CustomerRequested"),
    ("MiVB + MBG", "CustomerRequested", "PlatformAssigned"),
    ("MiCollab", "PlatformAssigned", "MiCollabTenantProvisioned"),
    ("activation", "MiCollabTenantProvisioned", "CustomerActivated"),
    ("welcome mail", "CustomerActivated", "WelcomeMailSent"),
)
"""Each step of the create saga: its name, the event that starts it, the event that ends it."""
DONE = "CustomerActivated"
ENDS = frozenset({"CustomerActivated", "CustomerFailed", "CustomerRejected", "CustomerRollbackFailed"})
WATCHED = (topics.CUSTOMER_EVENTS, topics.PLATFORM_EVENTS, topics.MICOLLAB_EVENTS, topics.NOTIFY_EVENTS)


@dataclass
class Journey:
    webid: str
    times: dict[str, float] = field(default_factory=dict)
    outcome: str | None = None
    over: asyncio.Event = field(default_factory=asyncio.Event)

    def took(self, start: str, end: str) -> float | None:
        if start in self.times and end in self.times:
            return self.times[end] - self.times[start]
        return None


class Tracker:
    """Reads the event topics from their ends and times every customer it sent."""

    def __init__(self, bootstrap: str) -> None:
        self.bootstrap = bootstrap
        self.by_webid: dict[str, Journey] = {}
        self.by_customer: dict[str, Journey] = {}
        self.ended = asyncio.Event()
        self.expected = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        partitions = await partitions_of(self.bootstrap, WATCHED)
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, fetch_max_wait_ms=50)
        await consumer.start()
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:
            await consumer.position(partition)
        self._consumer = consumer
        self._task = asyncio.create_task(self._read())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
        if self._consumer:
            await self._consumer.stop()

    def sent(self, webid: str, at: float) -> None:
        self.by_webid[webid] = Journey(webid, {"sent": at})

    def finished(self) -> list[Journey]:
        return [journey for journey in self.by_webid.values() if journey.outcome]

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            batch = await self._consumer.getmany(timeout_ms=500)
            for record in (record for records in batch.values() for record in records):
                self._seen(json.loads(record.value), record.timestamp / 1000)

    def _seen(self, event: dict[str, Any], at: float) -> None:
        kind, data = event.get("type"), event.get("data")
        if not isinstance(kind, str) or not isinstance(data, dict):
            return
        journey = self.by_customer.get(str(data.get("customer_id")))
        if journey is None and kind in ("CustomerRequested", "CustomerRejected"):
            journey = self.by_webid.get(_webid(data))
            if journey is not None:
                self.by_customer[str(data["customer_id"])] = journey
        if journey is None:
            return
        journey.times.setdefault(kind, at)
        if kind in ENDS and journey.outcome is None:
            journey.outcome = kind
            journey.over.set()
            if len(self.finished()) >= self.expected:
                self.ended.set()


async def partitions_of(bootstrap: str, names: Iterable[str]) -> list[TopicPartition]:
    """Asked of the broker: a new consumer knows no topic on Kafka."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(list(names))
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]


class Sender:
    """Publishes CreateCustomer commands as a BSS would: the canonical customer, made unique."""

    def __init__(self, producer: AIOKafkaProducer, tracker: Tracker, tag: str, first: int) -> None:
        self.producer = producer
        self.tracker = tracker
        self.tag = tag
        self.next = first

    async def send(self) -> str:
        data = customer(self.next, self.tag)
        self.next += 1
        webid = data["details"]["webid"]
        body = json.dumps(command(data)).encode()
        self.tracker.sent(webid, time.time())
        await self.producer.send_and_wait(topics.CUSTOMER_COMMANDS, body, key=webid.encode())
        return str(webid)


def _webid(data: dict[str, Any]) -> str:
    spec = data.get("spec")
    if isinstance(spec, dict):
        return str(spec["details"]["webid"])
    return str(data.get("webid"))
