from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from faststream.kafka import TestKafkaBroker
from httpx import ASGITransport, AsyncClient

from customer_svc.bootstrap import CustomerSettings, Handlers, build
from customer_svc.domain.catalogue import Bundle
from mmp_contracts import topics
from mmp_contracts.events import PlatformGroupCreated
from mmp_servicekit.runtime import Runtime
from mmp_servicekit.testing import EventCapture, envelope

TOKEN = "component-test-token"


@dataclass
class Running:
    runtime: Runtime
    handlers: Handlers
    events: EventCapture
    http: AsyncClient


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Running]:
    settings = CustomerSettings(
        admin_token=TOKEN, relay_sweep_seconds=0.05, store_url=f"sqlite://{tmp_path}/customer.db"
    )
    built = build(settings)
    runtime, handlers = built.runtime, built.handlers
    capture = EventCapture(runtime.broker, topics.CUSTOMER_EVENTS)
    await runtime.store.open()
    async with TestKafkaBroker(runtime.broker):
        for bundle in (
            Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
            Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
            Bundle("dual-phone", "Dual phone", "Premium UCC", ("6930", "6940"), 2),
        ):
            await handlers.catalogue.put_bundle(bundle)
        await runtime.relay.start()
        group = PlatformGroupCreated(
            platform_group_id="pg-ottawa-1", name="Ottawa 1", mivb_version="10.1", micollab_version="9.8", mbg_ids=["m"]
        )
        await runtime.broker.publish(envelope(group).to_json(), topics.PLATFORM_EVENTS, key=b"pg-ottawa-1")
        headers = {"Authorization": f"Bearer {TOKEN}"}
        async with AsyncClient(
            transport=ASGITransport(app=built.app), base_url="http://customer-svc", headers=headers
        ) as http:
            yield Running(runtime, handlers, capture, http)
        await runtime.relay.stop()
    await runtime.store.close()
