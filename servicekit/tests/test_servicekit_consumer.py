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


@pytest.mark.parametrize(
    "poison",
    [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"type": "TaskCompleted", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        b"\xff\xfe not utf-8",
    ],
    ids=["nested-array", "nested-data", "bytes"],
)
async def test_hostile_bodies_are_parked_at_once(poison: bytes) -> None:
    publisher = RecordingPublisher()
    router = EventRouter(publisher, ServiceMetrics(), backoff=(0,))
    router.on(TaskCompleted, lambda message, envelope: None)  # type: ignore[arg-type,return-value]
    await router.deliver(poison, topics.CUSTOMER_EVENTS)
    assert [p[0] for p in publisher.published] == ["customer.events.dlq"]


async def test_a_message_too_big_to_park_whole_is_parked_cut_and_says_so() -> None:
    publisher = RecordingPublisher()
    router = EventRouter(publisher, ServiceMetrics(), backoff=(0,))
    await router.deliver(b"x" * 1_500_000, topics.CUSTOMER_COMMANDS)
    [(topic, value, headers)] = publisher.published
    assert (topic, len(value), headers["x-truncated-from"]) == ("customer.commands.dlq", 900_000, "1500000")


async def test_an_unknown_type_on_the_command_topic_is_parked_with_its_reason_and_counted() -> None:
    publisher, metrics = RecordingPublisher(), ServiceMetrics()
    router = EventRouter(publisher, metrics, backoff=(0,))
    misspelt = json.dumps({"specversion": "1.0", "id": "bss-1", "source": "bss", "type": "CreateCustomr", "data": {}})
    await router.deliver(misspelt.encode(), topics.CUSTOMER_COMMANDS)
    await router.deliver(misspelt.encode(), topics.CUSTOMER_EVENTS)  # on a shared event topic: another reader's
    [(topic, _, headers)] = publisher.published
    assert topic == "customer.commands.dlq"
    assert "unknown command type 'CreateCustomr'" in headers["x-error"]
    assert metrics.dead_letters.labels(topics.CUSTOMER_COMMANDS)._value.get() == 1


async def test_binary_mode_reaches_the_handler_like_structured_mode() -> None:
    seen: list[tuple[str, str, TaskCompleted]] = []

    async def handler(message: TaskCompleted, envelope: CloudEvent) -> None:
        seen.append((envelope.id, envelope.source, message))

    router = EventRouter(RecordingPublisher(), ServiceMetrics(), backoff=())
    router.on(TaskCompleted, handler)
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", b"bss-order-4711"),
        ("ce_source", b"urn:bss:billing"),
        ("ce_type", b"TaskCompleted"),
        ("content-type", b"application/json; charset=utf-8"),
    ]
    await router.deliver(COMPLETED.model_dump_json().encode(), topics.CUSTOMER_EVENTS, b"c-1", headers)
    assert seen == [("bss-order-4711", "urn:bss:billing", COMPLETED)]
