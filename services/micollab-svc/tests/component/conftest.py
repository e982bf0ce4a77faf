from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from faststream.kafka import TestKafkaBroker

from micollab_svc.bootstrap import MiCollabSettings, build
from micollab_svc.domain.tenant import Tenant
from mmp_contracts import CloudEvent, Message, topics
from mmp_servicekit.repository import Repository
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.testing import EventCapture, envelope
from mmp_simulators import create_app

MICOLLAB_URL = "http://micollab.test"


class DeletesUnreachable(httpx.AsyncBaseTransport):
    """The network to MiCollab failing for DELETEs only, when enabled: an undo that cannot reach it (R21)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.enabled = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.enabled and request.method == "DELETE":
            raise httpx.ConnectError("network is unreachable", request=request)
        return await self.inner.handle_async_request(request)


@dataclass
class MiCollabService:
    runtime: Runtime
    records: Repository[Tenant]
    events: EventCapture
    simulator: httpx.AsyncClient
    network: DeletesUnreachable

    async def publish(self, message: Message, topic: str) -> CloudEvent:
        sent = envelope(message)
        await self.publish_envelope(sent, topic)
        return sent

    async def publish_envelope(self, sent: CloudEvent, topic: str) -> None:
        await self.runtime.broker.publish(sent.to_json(), topic, key=sent.data.partition_key().encode())

    async def tenants(self) -> dict[str, Any]:
        state: dict[str, Any] = (await self.simulator.get("/_sim/state")).json()
        return dict(state["tenants"])


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[MiCollabService]:
    simulator_app = create_app("micollab", "9.8.0.0")
    network = DeletesUnreachable(httpx.ASGITransport(app=simulator_app))
    async with (
        httpx.AsyncClient(transport=network, timeout=httpx.Timeout(5.0, connect=2.0)) as http,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=simulator_app), base_url=MICOLLAB_URL) as simulator,
    ):
        settings = MiCollabSettings(relay_sweep_seconds=0.05, store_url=f"sqlite://{tmp_path / 'micollab.db'}")
        built = build(settings, http=http)
        runtime = built.runtime
        capture = EventCapture(runtime.broker, topics.MICOLLAB_EVENTS)
        async with TestKafkaBroker(runtime.broker):
            await runtime.store.open()
            await runtime.relay.start()
            yield MiCollabService(runtime, built.tenants, capture, simulator, network)
            await runtime.relay.stop()
            await runtime.store.close()
