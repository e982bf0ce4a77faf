"""The metrics the services add to servicekit's: saga durations observed where a task's end is written, customers
by status and the oldest saga counted from the store, the Platform Manager's status, the consumer lag, and the
background refresh that keeps the awaited ones fresh without a scrape ever waiting on the store."""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiokafka.errors import IllegalStateError
from aiokafka.structs import TopicPartition
from faststream.kafka import TestKafkaBroker
from httpx import ASGITransport, AsyncClient
from prometheus_client import generate_latest

from customer_svc.bootstrap import CustomerService, CustomerSettings, build
from customer_svc.domain.catalogue import Bundle
from mmp_contracts import events as ev
from mmp_contracts import examples, topics
from mmp_contracts.events import PlatformGroupCreated
from mmp_servicekit.gauges import ConsumerLag, GaugeRefresher
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.testing import EventCapture, envelope, wait_until
from platform_svc.management.adapters.metrics import PlatformManagerStatus, state_of
from platform_svc.management.domain.platform_manager import PlatformManagerRegistration, PmStatus

pytestmark = pytest.mark.component

TOKEN = "observability-test-token"


@dataclass
class Running:
    service: CustomerService
    events: EventCapture
    http: AsyncClient

    def sample(self, name: str, **labels: str) -> float | None:
        return self.service.runtime.metrics.registry.get_sample_value(name, labels)

    async def publish(self, message: Any, topic: str) -> None:
        body = envelope(message).to_json()
        await self.service.runtime.broker.publish(body, topic, key=message.partition_key().encode())


@pytest.fixture
async def customer_svc(tmp_path: Path) -> AsyncIterator[Running]:
    """customer-svc as its composition root builds it, on the test broker and a real SQLite file."""
    settings = CustomerSettings(admin_token=TOKEN, relay_sweep_seconds=0.05, store_url=f"sqlite://{tmp_path}/c.db")
    service = build(settings)
    runtime = service.runtime
    capture = EventCapture(runtime.broker, topics.CUSTOMER_EVENTS)
    await runtime.store.open()
    async with TestKafkaBroker(runtime.broker):
        for bundle in (
            Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
            Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
        ):
            await service.handlers.catalogue.put_bundle(bundle)
        await runtime.relay.start()
        group = PlatformGroupCreated(
            platform_group_id="pg-ottawa-1", name="Ottawa 1", mivb_version="10.1", micollab_version="9.8", mbg_ids=["m"]
        )
        await runtime.broker.publish(envelope(group).to_json(), topics.PLATFORM_EVENTS, key=b"pg-ottawa-1")
        async with AsyncClient(
            transport=ASGITransport(app=service.app),
            base_url="http://customer-svc",
            headers={"Authorization": f"Bearer {TOKEN}"},
        ) as http:
            yield Running(service, capture, http)
        await runtime.relay.stop()
    await runtime.store.close()


async def activate(running: Running) -> tuple[str, str]:
    accepted = await running.http.post("/api/v1/customers", json=examples.create_customer()["data"])
    assert accepted.status_code == 202, accepted.text
    customer_id, task_id = accepted.json()["customer_id"], accepted.json()["task_id"]
    requested = await running.events.wait_for(ev.CustomerRequested)
    target = ev.MiCollabTarget(url="http://m", version="9.8.0.0", rest_api_scripts=True, mivb_version="10.1")
    assigned = ev.PlatformAssigned(
        customer_id=customer_id, platform_group_id="pg-ottawa-1", spec=requested.spec, micollab=target
    )
    await running.publish(assigned, topics.PLATFORM_EVENTS)
    provisioned = ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=["standard-ipt", "entry-ucc"])
    await running.publish(provisioned, topics.MICOLLAB_EVENTS)
    await running.publish(provisioned, topics.MICOLLAB_EVENTS)  # a redelivery: no second observation
    await running.events.wait_for(ev.TaskCompleted)
    return customer_id, task_id


async def test_a_finished_saga_is_timed_once_from_its_request_to_its_end(customer_svc: Running) -> None:
    assert customer_svc.sample("mmp_saga_duration_seconds_count", kind="create", outcome="completed") == 0
    _, task_id = await activate(customer_svc)
    await customer_svc.service.runtime.relay.flush()

    assert customer_svc.sample("mmp_saga_duration_seconds_count", kind="create", outcome="completed") == 1
    task = (await customer_svc.http.get(f"/api/v1/tasks/{task_id}")).json()
    stored = await customer_svc.service.customers.get(task["customer_id"])
    assert stored is not None
    timed = stored.tasks.first(stored.tasks.tasks[0].kind)
    assert timed.finished_at is not None
    expected = (timed.finished_at - timed.created_at).total_seconds()
    assert customer_svc.sample("mmp_saga_duration_seconds_sum", kind="create", outcome="completed") == pytest.approx(
        expected
    )


async def test_a_request_refused_as_the_customer_stands_is_a_refused_outcome(customer_svc: Running) -> None:
    customer_id, _ = await activate(customer_svc)
    # only a ROLLBACK_FAILED customer can retry its rollback: this task fails at once, before any work
    await customer_svc.http.post(f"/api/v1/customers/{customer_id}/rollback")
    await customer_svc.events.wait_for(ev.TaskFailed)
    assert customer_svc.sample("mmp_saga_duration_seconds_count", kind="retry-rollback", outcome="refused") == 1
    assert customer_svc.sample("mmp_saga_duration_seconds_count", kind="retry-rollback", outcome="failed") == 0


async def test_customers_by_status_and_the_oldest_saga_are_counted_from_the_store(customer_svc: Running) -> None:
    customers = customer_svc.service.customers
    await customers.refresh_gauges()
    assert customer_svc.sample("mmp_customers", status="PROVISIONING") == 0
    assert customer_svc.sample("mmp_saga_oldest_running_seconds", kind="create") == 0

    accepted = await customer_svc.http.post("/api/v1/customers", json=examples.create_customer()["data"])
    assert accepted.status_code == 202
    await asyncio.sleep(0.05)
    await customers.refresh_gauges()
    assert customer_svc.sample("mmp_customers", status="PROVISIONING") == 1
    assert customer_svc.sample("mmp_customers", status="ACTIVE") == 0
    assert (customer_svc.sample("mmp_saga_oldest_running_seconds", kind="create") or 0) >= 0.05
    assert customer_svc.sample("mmp_saga_oldest_running_seconds", kind="update") == 0


async def test_an_active_customer_has_no_saga_under_way(customer_svc: Running) -> None:
    await activate(customer_svc)
    await customer_svc.service.customers.refresh_gauges()
    assert customer_svc.sample("mmp_customers", status="ACTIVE") == 1
    assert customer_svc.sample("mmp_customers", status="PROVISIONING") == 0
    assert customer_svc.sample("mmp_saga_oldest_running_seconds", kind="create") == 0


# ---- the Platform Manager's status ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("registration", "state"),
    [
        (PlatformManagerRegistration(), "DISABLED"),
        (PlatformManagerRegistration(enabled=True), "NOT_REGISTERED"),
        (PlatformManagerRegistration(enabled=True, url="http://pm", status=PmStatus.OK), "OK"),
        (
            PlatformManagerRegistration(enabled=True, url="http://pm", status=PmStatus.CREDENTIALS_REJECTED),
            "CREDENTIALS_REJECTED",
        ),
        (PlatformManagerRegistration(enabled=False, url="http://pm", status=PmStatus.CREDENTIALS_REJECTED), "DISABLED"),
    ],
)
def test_the_platform_manager_state_tells_a_switched_off_feature_from_refused_credentials(
    registration: PlatformManagerRegistration, state: str
) -> None:
    assert state_of(registration) == state


class Registrations:
    def __init__(self, pm: PlatformManagerRegistration | None) -> None:
        self.pm = pm

    async def get(self, aggregate_id: str) -> PlatformManagerRegistration | None:
        assert aggregate_id == PlatformManagerRegistration.ID
        return self.pm


async def test_the_platform_manager_status_is_one_state_set_to_1() -> None:
    metrics = ServiceMetrics()
    registrations = Registrations(
        PlatformManagerRegistration(enabled=True, url="http://pm", status=PmStatus.UNREACHABLE)
    )
    status = PlatformManagerStatus(registrations, metrics)  # type: ignore[arg-type]
    await status.refresh()
    values = {
        s.labels["status"]: s.value
        for s in metrics.registry.collect()
        for s in s.samples
        if s.name == "mmp_platform_manager_status"
    }
    assert values == {"DISABLED": 0, "NOT_REGISTERED": 0, "OK": 0, "CREDENTIALS_REJECTED": 0, "UNREACHABLE": 1}
    registrations.pm = None  # nothing stored yet: the feature is off
    await status.refresh()
    assert metrics.registry.get_sample_value("mmp_platform_manager_status", {"status": "DISABLED"}) == 1


# ---- consumer lag and the background refresh -----------------------------------------------------------------


class Consumer:
    """aiokafka's consumer as far as ConsumerLag reads it."""

    def __init__(self, topics_: set[str], offsets: dict[TopicPartition, tuple[int | None, int | Exception]]) -> None:
        self.topics = topics_
        self.offsets = offsets

    def subscription(self) -> set[str]:
        return self.topics

    def assignment(self) -> set[TopicPartition]:
        return set(self.offsets)

    def highwater(self, partition: TopicPartition) -> int | None:
        return self.offsets[partition][0]

    async def position(self, partition: TopicPartition) -> int:
        position = self.offsets[partition][1]
        if isinstance(position, Exception):
            raise position
        return position


@dataclass
class Subscriber:
    group_id: str | None
    consumer: Any


@dataclass
class Broker:
    subscribers: list[Subscriber]


def lag(metrics: ServiceMetrics) -> dict[tuple[str, str], float]:
    return {
        (s.labels["group"], s.labels["topic"]): s.value
        for family in metrics.registry.collect()
        for s in family.samples
        if s.name == "mmp_consumer_lag_messages"
    }


async def test_consumer_lag_is_high_watermark_minus_position_summed_by_group_and_topic() -> None:
    events, commands = "platform.events", "customer.commands"
    consumer = Consumer(
        {events, commands, "notify.events"},
        {
            TopicPartition(events, 0): (120, 100),
            TopicPartition(events, 1): (50, 45),
            TopicPartition(commands, 0): (None, 0),  # nothing fetched yet: not known, left out
            TopicPartition(commands, 1): (10, IllegalStateError("revoked meanwhile")),
        },
    )
    metrics = ServiceMetrics()
    broker = Broker(
        [Subscriber("customer-svc", consumer), Subscriber("customer-svc", None), Subscriber(None, object())]
    )
    await ConsumerLag(broker, metrics).refresh()  # type: ignore[arg-type]
    assert lag(metrics) == {
        ("customer-svc", events): 25,
        ("customer-svc", commands): 0,
        ("customer-svc", "notify.events"): 0,
    }
    consumer.topics, consumer.offsets = {events}, {TopicPartition(events, 0): (130, 130)}
    await ConsumerLag(broker, metrics).refresh()  # type: ignore[arg-type]
    assert lag(metrics) == {("customer-svc", events): 0}  # a topic no longer read is no longer reported


class Subscription:
    """aiokafka's subscription state, as far as it says whether a partition has a position."""

    def __init__(self, valid: bool) -> None:
        state = type("State", (), {"has_valid_position": valid})()
        assignment = type("Assignment", (), {"state_value": lambda _, partition: state})()
        self.subscription = type("Sub", (), {"assignment": assignment})()


async def test_a_partition_without_a_position_is_not_asked_for_one() -> None:
    """Asking would wait, and take from the consume loop an error the group coordinator holds."""
    events = "platform.events"
    consumer = Consumer({events}, {TopicPartition(events, 0): (120, RuntimeError("position() was called"))})
    consumer._subscription = Subscription(valid=False)  # type: ignore[attr-defined]
    metrics = ServiceMetrics()
    await ConsumerLag(Broker([Subscriber("platform-svc", consumer)]), metrics).refresh()  # type: ignore[arg-type]
    assert lag(metrics) == {("platform-svc", events): 0}
    consumer.offsets = {TopicPartition(events, 0): (120, 90)}
    consumer._subscription = Subscription(valid=True)  # type: ignore[attr-defined]
    await ConsumerLag(Broker([Subscriber("platform-svc", consumer)]), metrics).refresh()  # type: ignore[arg-type]
    assert lag(metrics) == {("platform-svc", events): 30}


async def test_the_refresh_runs_every_source_and_stamps_only_a_round_where_all_succeeded() -> None:
    metrics = ServiceMetrics()
    ran: list[str] = []

    async def good() -> None:
        ran.append("good")

    async def bad() -> None:
        ran.append("bad")
        raise ConnectionError("store away")

    refresher = GaugeRefresher("test", [bad, good], metrics, seconds=0.01)
    assert not await refresher.refresh()
    assert ran == ["bad", "good"]
    assert metrics.registry.get_sample_value("mmp_gauges_refreshed_timestamp_seconds") == 0
    refresher.sources = [good]
    await refresher.start()
    await wait_until(lambda: (metrics.registry.get_sample_value("mmp_gauges_refreshed_timestamp_seconds") or 0) > 0)
    await refresher.stop()
    rounds = len(ran)
    await asyncio.sleep(0.05)
    assert len(ran) == rounds  # stopped


async def test_a_scrape_never_waits_on_a_slow_store() -> None:
    """The awaited gauges are read at scrape time from their last values, whatever the refresh is doing."""
    metrics = ServiceMetrics()
    release = asyncio.Event()

    async def slow_store() -> None:
        await release.wait()

    refresher = GaugeRefresher("test", [slow_store], metrics, seconds=0.01)
    await refresher.start()
    await asyncio.sleep(0.02)
    assert b"mmp_gauges_refreshed_timestamp_seconds 0.0" in generate_latest(metrics.registry)
    release.set()
    await refresher.stop()


def test_the_dead_letter_counter_starts_at_zero_for_every_topic() -> None:
    """So increase() sees a topic's first dead letter (a series born at 1 has no increase)."""
    metrics = ServiceMetrics()
    for topic in topics.ALL:
        assert metrics.registry.get_sample_value("mmp_dead_letters_total", {"topic": topic}) == 0
