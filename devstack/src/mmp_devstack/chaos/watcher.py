"""Follows tasks as a BSS does: reading `customer.events` from where it stood when the campaign began, every
event filed under its task. A task the events leave unanswered for long is looked up on the API instead."""

import asyncio
import contextlib
import json
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mmp_contracts import topics
from mmp_devstack.chaos.api import Api

ENDS = ("TaskCompleted", "TaskFailed")
AWAITING = "BillingChangeAwaitingConfirmation"
ASK_API_AFTER = 15.0

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome:
    task_id: str
    completed: bool
    customer_id: str | None
    reason: str | None


async def partitions_of(options: dict[str, Any], names: list[str]) -> list[TopicPartition]:
    """Asked of the broker: a new consumer knows no topic on Kafka."""
    admin = AIOKafkaAdminClient(**options)
    await admin.start()
    try:
        described = await admin.describe_topics(names)
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]


class Watcher:
    def __init__(self, options: dict[str, Any], api: Api) -> None:
        self.options = options
        self.api = api
        self.by_task: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        """task id -> event type -> its data (the first copy seen)."""
        self.changed: dict[str, asyncio.Event] = {}
        """Set whenever an event of the task arrives (one per task the campaign waited for)."""
        self.asked_api = 0
        self.unreadable = 0
        self._consumer: AIOKafkaConsumer | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        partitions = await partitions_of(self.options, [topics.CUSTOMER_EVENTS])
        consumer = AIOKafkaConsumer(**self.options, enable_auto_commit=False, fetch_max_wait_ms=100)
        await consumer.start()
        consumer.assign(partitions)
        await consumer.seek_to_end(*partitions)
        for partition in partitions:
            await consumer.position(partition)
        self._consumer = consumer
        self._task = asyncio.create_task(self._read(), name="chaos-watcher")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._consumer:
            await self._consumer.stop()

    async def _read(self) -> None:
        assert self._consumer is not None
        while True:
            try:
                batch = await self._consumer.getmany(timeout_ms=500)
            except Exception:  # the broker is being restarted: the consumer reconnects
                await asyncio.sleep(1.0)
                continue
            for record in (record for records in batch.values() for record in records):
                try:
                    self._seen(record.value)
                except Exception:  # whatever lands on the topic, the watcher keeps reading
                    self.unreadable += 1

    def _seen(self, value: bytes | None) -> None:
        try:
            event = json.loads(value or b"")
        except (ValueError, RecursionError):  # poison on the topic: not JSON, or nested past the parser's depth
            return
        if not isinstance(event, dict) or not isinstance(event.get("data"), dict):
            return
        data, kind = event["data"], str(event.get("type"))
        task_id = data.get("task_id")
        if not isinstance(task_id, str):
            return
        self.by_task[task_id].setdefault(kind, data)
        waiting = self.changed.get(task_id)
        if waiting is not None:
            waiting.set()

    def seen(self, task_id: str, kind: str) -> dict[str, Any] | None:
        return self.by_task.get(task_id, {}).get(kind)

    def customer_of(self, task_id: str) -> str | None:
        for data in self.by_task.get(task_id, {}).values():
            if isinstance(data.get("customer_id"), str):
                return str(data["customer_id"])
        return None

    def outcome_seen(self, task_id: str) -> Outcome | None:
        events = self.by_task.get(task_id, {})
        for kind in ENDS:
            if kind in events:
                data = events[kind]
                return Outcome(task_id, kind == "TaskCompleted", data.get("customer_id"), data.get("reason"))
        return None

    async def wait_for(self, task_id: str, kinds: tuple[str, ...], seconds: float) -> str | None:
        """The first of `kinds` seen for the task (an end counts too: an edit refused never awaits confirmation);
        None when `seconds` passed."""

        def from_events() -> str | None:
            return next((kind for kind in (*kinds, *ENDS) if self.seen(task_id, kind) is not None), None)

        def from_api(task: dict[str, Any]) -> str | None:
            if task["status"] != "PENDING":
                return "TaskCompleted" if task["status"] == "COMPLETED" else "TaskFailed"
            if AWAITING in kinds and task["customer_status"] == "AWAITING_CONFIRMATION":
                return AWAITING
            return None

        return await self._until(task_id, seconds, from_events, from_api)

    async def outcome(self, task_id: str, seconds: float) -> Outcome | None:
        """How the task ended, from its TaskCompleted or TaskFailed; asked of the API when the events are slow
        to say (a command customer-svc has not read yet is 404 there, and keeps being waited for)."""

        def from_api(task: dict[str, Any]) -> Outcome | None:
            if task["status"] == "PENDING":
                return None
            return Outcome(task_id, task["status"] == "COMPLETED", task["customer_id"], task["reason"])

        return await self._until(task_id, seconds, lambda: self.outcome_seen(task_id), from_api)

    async def _until(
        self,
        task_id: str,
        seconds: float,
        from_events: Callable[[], T | None],
        from_api: Callable[[dict[str, Any]], T | None],
    ) -> T | None:
        """What the task's events say, waited for; the API is asked whenever they are silent for a while."""
        deadline = time.monotonic() + seconds
        changed = self.changed.setdefault(task_id, asyncio.Event())
        while True:
            seen = from_events()
            if seen is not None:
                return seen
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            changed.clear()
            try:
                await asyncio.wait_for(changed.wait(), min(left, ASK_API_AFTER))
            except TimeoutError:
                self.asked_api += 1
                task = await self.api.task(task_id)
                answer = from_api(task) if task is not None else None
                if answer is not None:
                    return answer
