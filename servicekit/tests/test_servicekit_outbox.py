"""The repository, its outbox and relay, and the idempotent-consumer guard, on the embedded store."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka.errors import MessageSizeTooLargeError

from mmp_contracts import CloudEvent, Message
from mmp_contracts.events import TaskCompleted, TaskFailed
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.outbox import Cause
from mmp_servicekit.relay import OutboxRelay
from mmp_servicekit.repository import Outcome, Repository
from mmp_servicekit.store import Document, DuplicateKey, Index, open_store
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


@dataclass
class Counter:
    """A minimal aggregate: its behaviour decides, and returns the events to publish."""

    counter_id: str
    name: str
    n: int = 0

    def bump(self, task: str) -> Sequence[Message]:
        self.n += 1
        return [done(task)]

    def bump_below(self, limit: int) -> Sequence[Message] | None:
        if self.n >= limit:
            return None
        self.n += 1
        return []


class CounterMapper:
    indexes = (Index.on("name", unique=True),)

    def to_document(self, counter: Counter) -> Document:
        return {"_id": counter.counter_id, "name": counter.name, "n": counter.n}

    def from_document(self, doc: Document) -> Counter:
        return Counter(doc["_id"], doc["name"], doc["n"])


def done(task: str) -> TaskCompleted:
    return TaskCompleted(customer_id="c-1", task_id=task, kind="create")


@dataclass
class Parts:
    counters: Repository[Counter]
    relay: OutboxRelay
    publisher: RecordingPublisher


@pytest.fixture
async def parts(tmp_path: Path) -> AsyncIterator[Parts]:
    publisher = RecordingPublisher()
    relay = OutboxRelay(publisher, ServiceMetrics())
    store = open_store(f"sqlite://{tmp_path / 'kit.db'}", "kit")
    mapper = CounterMapper()
    collection = store.collection("counters", [*mapper.indexes, Index.on("pending")])
    relay.watch(collection)
    await store.open()
    yield Parts(Repository(collection, mapper, relay, source="mmp/test"), relay, publisher)
    await store.close()


def published_tasks(publisher: RecordingPublisher) -> list[str]:
    return [CloudEvent.model_validate_json(v).data.task_id for _, _, v in publisher.published]  # type: ignore[attr-defined]


async def test_state_and_events_are_written_together_and_published_once(parts: Parts) -> None:
    assert await parts.counters.create(Counter("c-1", "one", 1), Cause("task-1", "m-1"), [done("t-1")])
    doc: Any = await parts.counters.collection.get("c-1")
    assert (doc["n"], len(doc["outbox"]), doc["pending"], doc["applied"]) == (1, 1, True, ["m-1"])

    await parts.relay.flush()
    await parts.relay.sweep()
    assert [(topic, key) for topic, key, _ in parts.publisher.published] == [("customer.events", b"c-1")]
    envelope = CloudEvent.model_validate_json(parts.publisher.published[0][2])
    assert (envelope.correlationid, envelope.causationid, envelope.source) == ("task-1", "m-1", "mmp/test")
    doc = await parts.counters.collection.get("c-1")
    assert (doc["outbox"], doc["pending"]) == ([], False)


async def test_create_says_when_the_id_exists_and_names_another_unique_value(parts: Parts) -> None:
    assert await parts.counters.create(Counter("c-1", "one"), Cause("task-1", "m-1"))
    assert not await parts.counters.create(Counter("c-1", "other"), Cause("task-1", "m-1"))
    with pytest.raises(DuplicateKey) as taken:
        await parts.counters.create(Counter("c-2", "one"), Cause("task-2", "m-2"))
    assert taken.value.field == "name"


async def test_a_relay_that_could_not_publish_keeps_the_events_for_the_next_sweep(parts: Parts) -> None:
    parts.publisher.failures = 1
    await parts.counters.create(Counter("c-1", "one"), Cause("task-1"), [done("t-1"), done("t-2")])
    with pytest.raises(ConnectionError):
        await parts.relay.flush()
    await parts.relay.sweep()
    assert published_tasks(parts.publisher) == ["t-1", "t-2"], "in order, none lost"


async def test_a_change_applies_a_message_once(parts: Parts) -> None:
    await parts.counters.create(Counter("c-1", "one"), Cause("task-1"))
    cause = Cause("task-1", "m-2")
    outcomes = [await parts.counters.change("c-1", cause, lambda c: c.bump("t")) for _ in range(3)]
    assert outcomes == [Outcome.CHANGED, Outcome.ALREADY_APPLIED, Outcome.ALREADY_APPLIED]
    doc: Any = await parts.counters.collection.get("c-1")
    assert (doc["n"], len(doc["outbox"])) == (1, 1)
    assert await parts.counters.change("nobody", cause, lambda c: c.bump("t")) is Outcome.MISSING


async def test_a_declined_transition_writes_nothing(parts: Parts) -> None:
    await parts.counters.create(Counter("c-1", "one", n=2), Cause("task-1"))
    assert await parts.counters.change("c-1", Cause("t", "m-2"), lambda c: c.bump_below(2)) is Outcome.DECLINED
    assert (await parts.counters.collection.get("c-1"))["version"] == 1  # type: ignore[index]


async def test_concurrent_changes_are_all_applied_none_lost(parts: Parts) -> None:
    await parts.counters.create(Counter("c-1", "one"), Cause("task-1"))

    async def bump(n: int) -> Outcome:
        await asyncio.sleep(0)
        return await parts.counters.change("c-1", Cause("t", f"m-{n}"), lambda c: c.bump(f"t-{n}"))

    assert set(await asyncio.gather(*(bump(n) for n in range(20)))) == {Outcome.CHANGED}
    await parts.relay.flush()
    counter = await parts.counters.get("c-1")
    assert counter is not None
    assert counter.n == 20
    assert sorted(published_tasks(parts.publisher)) == sorted(f"t-{n}" for n in range(20))


async def test_a_relay_under_steady_wake_ups_still_sweeps_on_schedule(parts: Parts) -> None:
    parts.relay.sweep_seconds = 0.05
    await parts.relay.start()
    orphan = {"_id": "orphan", "version": 1, "name": "orphan", "n": 0, "applied": [], "pending": True}
    orphan["outbox"] = [{"id": "x", "topic": "customer.events", "key": "orphan", "value": "{}"}]
    await parts.counters.collection.insert(orphan)  # an event a crashed relay left behind: nothing wakes for it

    async def traffic() -> None:
        for n in range(400):  # a wake-up every few milliseconds for ~2 s, longer than the wait below
            await parts.counters.create(Counter(f"busy-{n}", f"busy-{n}"), Cause("task"), [done(f"t-{n}")])
            await asyncio.sleep(0.005)

    busy = asyncio.create_task(traffic())
    try:
        await wait_until(lambda: any(key == b"orphan" for _, key, _ in parts.publisher.published), 1.0, "the orphan")
        assert not busy.done(), "found while the traffic still ran"
    finally:
        busy.cancel()
        await parts.relay.stop()


async def test_two_replicas_publish_only_what_each_wrote_and_take_over_a_dead_ones_events(parts: Parts) -> None:
    """Replicas share the store: a relay leaves another's live lease alone, and takes over one run out."""
    other_publisher = RecordingPublisher()
    other = OutboxRelay(other_publisher, ServiceMetrics())
    other.watch(parts.counters.collection)
    theirs = Repository(parts.counters.collection, CounterMapper(), other, source="mmp/test")
    await theirs.create(Counter("c-1", "one"), Cause("task-1"), [done("t-1")])
    await parts.relay.sweep()  # the other replica's lease is live: not ours to publish
    assert parts.publisher.published == []

    doc: Any = await parts.counters.collection.get("c-1")
    doc["relay"]["until"] = 0.0  # the other replica died: its lease runs out
    await parts.counters.collection.replace({**doc, "version": doc["version"] + 1}, version=doc["version"])
    await parts.relay.sweep()
    await other.sweep()
    assert published_tasks(parts.publisher) == ["t-1"]
    assert other_publisher.published == []


class TooBig(RecordingPublisher):
    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        if len(value) > 2_000 and not topic.endswith(".dlq"):
            raise MessageSizeTooLargeError("over max_request_size")
        self.published.append((topic, key, value))


async def test_an_event_the_broker_can_never_take_is_parked_and_the_relay_goes_on(parts: Parts) -> None:
    parts.relay.publisher = publisher = TooBig()
    huge = TaskFailed(customer_id="c-1", task_id="t-big", kind="create", reason="x" * 5_000)
    await parts.counters.create(Counter("c-1", "one"), Cause("task-1"), [huge, done("t-after")])
    await parts.relay.start()  # neither the start nor any later pass fails on it
    await parts.relay.stop()
    assert [topic for topic, _, _ in publisher.published] == ["customer.events.dlq", "customer.events"]
    assert (await parts.counters.collection.get("c-1"))["pending"] is False  # type: ignore[index]
    assert parts.relay.metrics.dead_letters.labels("customer.events")._value.get() == 1
