"""The metrics every service shares: HTTP by route template, and the outbox's backlog and age."""

from pathlib import Path

import pytest
from fastapi import FastAPI, HTTPException
from httpx import ASGITransport, AsyncClient

from mmp_servicekit.http_metrics import HttpMetrics
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.relay import OutboxRelay
from mmp_servicekit.store import Index, open_store

pytestmark = pytest.mark.unit


def sample(metrics: ServiceMetrics, name: str, **labels: str) -> float | None:
    return metrics.registry.get_sample_value(name, labels)


async def test_http_requests_are_counted_and_timed_by_route_template() -> None:
    metrics = ServiceMetrics()
    app = FastAPI()
    app.add_middleware(HttpMetrics, metrics=metrics)

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
    async def publish(self, value: bytes, topic: str, key: bytes) -> None:
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
