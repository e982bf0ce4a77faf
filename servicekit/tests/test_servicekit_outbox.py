"""The outbox, its relay and the idempotent-consumer guard, on the embedded store."""

import asyncio
from typing import Any

import pytest

from mmp_contracts import CloudEvent
from mmp_contracts.events import TaskCompleted
from mmp_servicekit.outbox import Aggregates, Cause, Decision
from mmp_servicekit.relay import OutboxRelay
from mmp_servicekit.store import open_database
from mmp_servicekit.testing import wait_until

pytestmark = pytest.mark.unit


class RecordingPublisher:
    def __init__(self, failures: int = 0) -> None:
        self.published: list[tuple[str, bytes, bytes]] = []
        self.failures = failures

    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker away")
        self.published.append((topic, key, value))


def done(task: str) -> TaskCompleted:
    return TaskCompleted(customer_id="c-1", task_id=task, kind="create")


@pytest.fixture
def parts() -> tuple[Aggregates, OutboxRelay, RecordingPublisher]:
    publisher = RecordingPublisher()
    relay = OutboxRelay(publisher)
    collection = open_database(None, "kit")["things"]
    relay.watch(collection)
    return Aggregates(collection, relay, source="mmp/test"), relay, publisher


async def test_state_and_events_are_written_together_and_published_once(parts: Any) -> None:
    aggregates, relay, publisher = parts
    await aggregates.insert({"_id": "c-1", "n": 1}, Cause("task-1", "m-1"), [done("t-1")])
    doc = await aggregates.get("c-1")
    assert doc["n"] == 1
    assert len(doc["outbox"]) == 1
    assert doc["applied"] == ["m-1"]

    await relay.flush()
    await relay.sweep()
    assert [(topic, key) for topic, key, _ in publisher.published] == [("customer.events", b"c-1")]
    envelope = CloudEvent.model_validate_json(publisher.published[0][2])
    assert (envelope.correlationid, envelope.causationid, envelope.source) == ("task-1", "m-1", "mmp/test")
    assert (await aggregates.get("c-1"))["outbox"] == []


async def test_a_relay_that_could_not_publish_keeps_the_events_for_the_next_sweep(parts: Any) -> None:
    aggregates, relay, publisher = parts
    publisher.failures = 1
    await aggregates.insert({"_id": "c-1"}, Cause("task-1"), [done("t-1"), done("t-2")])
    with pytest.raises(ConnectionError):
        await relay.flush()
    await relay.sweep()
    tasks = [CloudEvent.model_validate_json(v).data.task_id for _, _, v in publisher.published]  # type: ignore[attr-defined]
    assert tasks == ["t-1", "t-2"], "in order, none lost"


async def test_a_stale_version_is_refused(parts: Any) -> None:
    aggregates, _, _ = parts
    await aggregates.insert({"_id": "c-1", "n": 1}, Cause("task-1"))
    assert await aggregates.update("c-1", 1, {"n": 2}, Cause("task-1", "m-2"))
    assert not await aggregates.update("c-1", 1, {"n": 3}, Cause("task-1", "m-3"))
    assert (await aggregates.get("c-1"))["n"] == 2


async def test_mutate_applies_a_message_once(parts: Any) -> None:
    aggregates, _, _ = parts
    await aggregates.insert({"_id": "c-1", "n": 0}, Cause("task-1"))
    cause = Cause("task-1", "m-2")
    for _ in range(3):
        await aggregates.mutate("c-1", cause, lambda doc: Decision({"n": doc["n"] + 1}, [done("t")]))
    doc = await aggregates.get("c-1")
    assert doc["n"] == 1
    assert len(doc["outbox"]) == 1
    assert not await aggregates.mutate("nobody", cause, lambda doc: None)


async def test_a_relay_under_steady_wake_ups_still_sweeps_on_schedule(parts: Any) -> None:
    aggregates, relay, publisher = parts
    relay.sweep_seconds = 0.05
    await relay.start()
    await aggregates.collection.insert_one({"_id": "orphan", "version": 1, "outbox": [], "applied": []})
    await aggregates.collection.update_one(
        {"_id": "orphan"},
        {"$push": {"outbox": {"id": "x", "topic": "customer.events", "key": "orphan", "value": "{}"}}},
    )  # an event a crashed relay left behind: no wake-up will ever name it

    async def traffic() -> None:
        for n in range(400):  # a wake-up every few milliseconds for ~2 s, longer than the wait below
            await aggregates.insert({"_id": f"busy-{n}"}, Cause("task"), [done(f"t-{n}")])
            await asyncio.sleep(0.005)

    busy = asyncio.create_task(traffic())
    try:
        await wait_until(lambda: any(key == b"orphan" for _, key, _ in publisher.published), 1.0, "the orphan")
        assert not busy.done(), "found while the traffic still ran"
    finally:
        busy.cancel()
        await relay.stop()
