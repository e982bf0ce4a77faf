"""What every service shares for its operators: HTTP metrics by route template, the outbox's backlog and age,
and traces that cross Kafka hops."""

from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from httpx import ASGITransport, AsyncClient

from mmp_contracts import CloudEvent
from mmp_contracts.events import TaskCompleted
from mmp_servicekit.consumer import EventRouter
from mmp_servicekit.http_observation import ObservedRequests
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.outbox import Cause, entries, with_outbox
from mmp_servicekit.relay import OutboxRelay
from mmp_servicekit.store import Index, open_store
from mmp_servicekit.tracing import configure_tracing

pytestmark = pytest.mark.unit


def sample(metrics: ServiceMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def test_http_requests_are_counted_and_timed_by_route_template() -> None:
    metrics = ServiceMetrics()
    app = FastAPI()
    app.add_middleware(ObservedRequests, metrics=metrics)

    @app.get("/api/v1/customers/{customer_id}")
    async def customer(customer_id: str) -> dict[str, str]:
        if customer_id == "missing":
            raise HTTPException(404)
        return {"id": customer_id}

    async with AsyncClient(transport=ASGITransport(app=app), base_url="http://svc") as http:
        for path in ("/api/v1/customers/a", "/api/v1/customers/b", "/api/v1/customers/missing", "/nowhere"):
            await http.get(path)
    route = "/api/v1/customers/{customer_id}"
    assert sample(metrics, "mmp_http_requests_total", method="GET", route=route, status="200") == 2
    assert sample(metrics, "mmp_http_requests_total", method="GET", route=route, status="404") == 1
    assert sample(metrics, "mmp_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert sample(metrics, "mmp_http_request_seconds_count", method="GET", route=route) == 3


class Unreachable:
    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        raise ConnectionError("broker away")


async def test_the_relay_reports_its_backlog_and_the_age_of_its_oldest_event(tmp_path: Path) -> None:
    metrics = ServiceMetrics()
    store = open_store(f"sqlite://{tmp_path / 'kit.db'}", "kit")
    things = store.collection("things", [Index.on("pending")])
    relay = OutboxRelay(Unreachable(), metrics)
    relay.watch(things)
    await store.open()
    entry = {"id": "e", "topic": "customer.events", "key": "k", "value": "{}", "at": 1_000.0}
    await things.insert({"_id": "a", "version": 1, "outbox": [entry], "pending": True, "applied": []})
    await things.insert({"_id": "b", "version": 1, "outbox": [], "pending": False, "applied": []})
    with pytest.raises(ConnectionError):
        await relay.sweep()
    assert sample(metrics, "mmp_outbox_pending_documents", collection="things") == 1
    assert (sample(metrics, "mmp_outbox_oldest_event_age_seconds", collection="things") or 0) > 1_000_000
    await store.close()


class Recording:
    def __init__(self) -> None:
        self.published: list[tuple[bytes, dict[str, str]]] = []

    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        self.published.append((value, headers or {}))


async def test_a_trace_crosses_a_kafka_hop_through_the_outbox(tmp_path: Path) -> None:
    """The event a handler stores continues the trace of the message it handled, in the envelope and header."""
    configure_tracing("test", None)
    incoming_trace = "0af7651916cd43dd8448eb211c80319c"
    publisher, metrics = Recording(), ServiceMetrics()
    store = open_store(f"sqlite://{tmp_path / 'kit.db'}", "kit")
    relay = OutboxRelay(publisher, metrics)
    things = store.collection("things", [Index.on("pending")])
    relay.watch(things)
    await store.open()
    router = EventRouter(publisher, metrics, backoff=())

    async def handler(message: TaskCompleted, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        stored = with_outbox({"_id": "t"}, None, entries([message], cause, "mmp/test"), cause, relay.instance)
        await things.insert(stored | {"version": 1})

    router.on(TaskCompleted, handler)
    body = CloudEvent.wrap(TaskCompleted(customer_id="c", task_id="t", kind="create"), source="s", correlationid="t")
    headers = [("traceparent", f"00-{incoming_trace}-b7ad6b7169203331-01".encode())]
    await router.deliver(body.to_json(), "customer.events", b"c", headers)
    await relay.sweep()
    [(value, sent_headers)] = publisher.published
    assert sent_headers["traceparent"].split("-")[1] == incoming_trace
    assert sent_headers["correlationid"] == "t"
    assert CloudEvent.model_validate_json(value).traceparent == sent_headers["traceparent"]
    await store.close()
