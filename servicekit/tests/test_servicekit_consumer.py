"""The router: typed dispatch, bounded retries, dead letters for poison and persistent faults."""

import json

import pytest

from mmp_contracts import CloudEvent, topics
from mmp_contracts.events import TaskCompleted, TaskFailed
from mmp_servicekit.consumer import EventRouter
from mmp_servicekit.metrics import ServiceMetrics

pytestmark = pytest.mark.unit


class RecordingPublisher:
    def __init__(self) -> None:
        self.published: list[tuple[str, bytes, dict[str, str]]] = []

    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        self.published.append((topic, value, headers or {}))


def body(message: TaskCompleted | TaskFailed) -> bytes:
    return CloudEvent.wrap(message, source="tests", correlationid="task-9").to_json()


COMPLETED = TaskCompleted(customer_id="c-1", task_id="t-1", kind="create")


async def test_a_handled_type_reaches_its_handler_typed() -> None:
    seen: list[TaskCompleted] = []

    async def handler(message: TaskCompleted, envelope: CloudEvent) -> None:
        seen.append(message)

    router = EventRouter(RecordingPublisher(), ServiceMetrics(), backoff=())
    router.on(TaskCompleted, handler)
    await router.deliver(body(COMPLETED), topics.CUSTOMER_EVENTS)
    await router.deliver(
        body(TaskFailed(customer_id="c-1", task_id="t", kind="create", reason="r")), topics.CUSTOMER_EVENTS
    )
    assert seen == [COMPLETED]


async def test_a_transient_fault_is_retried() -> None:
    attempts = []

    async def flaky(message: TaskCompleted, envelope: CloudEvent) -> None:
        attempts.append(1)
        if len(attempts) < 3:
            raise ConnectionError("database away")

    publisher = RecordingPublisher()
    router = EventRouter(publisher, ServiceMetrics(), backoff=(0, 0, 0))
    router.on(TaskCompleted, flaky)
    await router.deliver(body(COMPLETED), topics.CUSTOMER_EVENTS)
    assert len(attempts) == 3
    assert publisher.published == []


async def test_a_persistent_fault_is_parked_on_the_dead_letter_topic_and_counted() -> None:
    async def broken(message: TaskCompleted, envelope: CloudEvent) -> None:
        raise RuntimeError("bug")

    publisher, metrics = RecordingPublisher(), ServiceMetrics()
    router = EventRouter(publisher, metrics, backoff=(0, 0))
    router.on(TaskCompleted, broken)
    message = body(COMPLETED)
    await router.deliver(message, topics.CUSTOMER_EVENTS)
    [(topic, value, headers)] = publisher.published
    assert (topic, value) == ("customer.events.dlq", message)
    assert "bug" in headers["x-error"]
    assert metrics.dead_letters.labels(topics.CUSTOMER_EVENTS)._value.get() == 1


@pytest.mark.parametrize("poison", [b"not json", b"[]", json.dumps({"type": "TaskCompleted", "data": {}}).encode()])
async def test_poison_is_parked_not_retried(poison: bytes) -> None:
    calls = []

    async def handler(message: TaskCompleted, envelope: CloudEvent) -> None:
        calls.append(message)

    publisher = RecordingPublisher()
    router = EventRouter(publisher, ServiceMetrics(), backoff=(0,))
    router.on(TaskCompleted, handler)
    await router.deliver(poison, topics.CUSTOMER_EVENTS)
    assert calls == []
    assert [p[0] for p in publisher.published] == ["customer.events.dlq"]
