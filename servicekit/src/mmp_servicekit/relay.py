"""Publishes what the outboxes hold, then removes it; at least once, in order per aggregate.

Each relay publishes only the outboxes leased to it (those its own process wrote), and takes over another's
only once that lease has run out, so replicas never publish each other's events. An event the broker can never
take (over its size limit) is parked on the topic's dead-letter topic with the reason instead of blocking the
relay, and counted.
"""

import asyncio
import contextlib
import logging
import time
import uuid
from typing import Any, Protocol

from aiokafka.errors import MessageSizeTooLargeError, RecordListTooLargeError, RecordTooLargeError

from mmp_servicekit.dead_letters import park
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.outbox import lease_for, leased_to_another
from mmp_servicekit.store import Collection, Document
from mmp_servicekit.store.guarded import change_document

log = logging.getLogger(__name__)

SWEEP_BATCH = 500
TOO_BIG = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError)


class Publisher(Protocol):
    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None: ...


class OutboxRelay:
    """Woken by each write for low latency; a periodic sweep picks up whatever a crash left behind."""

    def __init__(self, publisher: Publisher, metrics: ServiceMetrics, sweep_seconds: float = 1.0) -> None:
        self.publisher = publisher
        self.metrics = metrics
        self.instance = uuid.uuid4().hex[:12]
        self.sweep_seconds = sweep_seconds
        self.collections: dict[str, Collection] = {}
        self._pending: set[tuple[str, str]] = set()
        self._wakeup = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def watch(self, collection: Collection) -> None:
        self.collections[collection.name] = collection

    def wake(self, collection: str, doc_id: str) -> None:
        self._pending.add((collection, doc_id))
        self._wakeup.set()

    async def start(self) -> None:
        try:
            await self.sweep()
        except Exception:  # a broker not there yet must not stop the service: the run loop tries again
            log.exception("outbox relay: the first sweep failed; the next one retries it")
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        # A stop flag rather than cancel(): Python 3.11's wait_for can swallow a cancellation.
        self._stopping = True
        self._wakeup.set()
        if self._task:
            await self._task
        await self.flush()

    async def flush(self) -> None:
        batch, self._pending = self._pending, set()
        outcomes = await asyncio.gather(
            *(self._publish_document(name, doc_id) for name, doc_id in batch), return_exceptions=True
        )
        failed = [(item, outcome) for item, outcome in zip(batch, outcomes, strict=True) if outcome is not None]
        if failed:
            self._pending |= {item for item, _ in failed}  # tried again on the next pass, not lost till a sweep
            raise failed[0][1]

    async def sweep(self) -> None:
        now = time.time()
        for name, collection in self.collections.items():
            found = await collection.find({"pending": True}, limit=SWEEP_BATCH)
            self._pending |= {(name, doc["_id"]) for doc in found if not leased_to_another(doc, self.instance)}
            self.metrics.outbox_pending.labels(name).set(await collection.count({"pending": True}))
            oldest = min((entry.get("at", now) for doc in found for entry in doc["outbox"]), default=now)
            self.metrics.outbox_oldest.labels(name).set(now - oldest)
        await self.flush()

    async def _run(self) -> None:
        last_sweep = time.monotonic()
        while not self._stopping:
            try:
                await self._woken_within(self.sweep_seconds)
                if time.monotonic() - last_sweep >= self.sweep_seconds:
                    # on a schedule, not only when traffic pauses: steady wake-ups must not starve recovery
                    last_sweep = time.monotonic()
                    await self.sweep()
                else:
                    await self.flush()
            except Exception:
                log.exception("outbox relay pass failed; the next sweep retries it")
                await asyncio.sleep(self.sweep_seconds)

    async def _woken_within(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._wakeup.wait()
        woken = self._wakeup.is_set()
        self._wakeup.clear()
        return woken

    async def _publish_document(self, name: str, doc_id: str) -> None:
        """Returns None once the document's events are out, or when another relay holds them; raises otherwise."""
        collection = self.collections[name]
        doc = await collection.get(doc_id)
        if doc is None or not doc.get("pending") or leased_to_another(doc, self.instance):
            return
        if (doc.get("relay") or {}).get("owner") != self.instance:
            doc = await change_document(collection, doc_id, self._take_over)
            if doc is None:
                return  # another relay took it over first
        for entry in doc["outbox"]:
            await self._publish(entry)
        published = {entry["id"] for entry in doc["outbox"]}
        await change_document(collection, doc_id, lambda current: _without(current, published))

    def _take_over(self, doc: Document) -> Document | None:
        """A lease run out: its writer died or stalled, so this relay publishes what it left."""
        if not doc.get("pending") or leased_to_another(doc, self.instance):
            return None
        return {**doc, "relay": lease_for(self.instance)}

    async def _publish(self, entry: dict[str, Any]) -> None:
        value = entry["value"].encode()
        try:
            await self.publisher.publish(value, entry["topic"], entry["key"].encode(), entry.get("headers"))
        except TOO_BIG as error:
            reason = f"event {entry['id']} of {len(value)} bytes is over the broker's limit: {error!r}"
            await park(self.publisher, self.metrics, value, entry["topic"], entry["key"].encode(), reason)


def _without(doc: Document, published: set[str]) -> Document | None:
    if not doc.get("pending"):
        return None
    kept = [entry for entry in doc["outbox"] if entry["id"] not in published]
    return {**doc, "outbox": kept, "pending": bool(kept), "relay": doc.get("relay") if kept else None}
