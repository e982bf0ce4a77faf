"""customer-svc's API under schemathesis, and its bearer-token check under hostile tokens."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from customer_svc.bootstrap import CustomerService, CustomerSettings, build
from customer_svc.domain.catalogue import Bundle
from mmp_contracts import topics
from mmp_contracts.events import PlatformGroupCreated
from mmp_servicekit.testing import envelope

TOKEN = "fuzz-admin-token"


def running(tmp_path: Path) -> tuple[CustomerService, Any]:
    settings = CustomerSettings(
        admin_token=TOKEN, relay_sweep_seconds=0.05, store_url=f"sqlite://{tmp_path}/customer.db"
    )
    service = build(settings)
    runtime = service.runtime

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        """What the component tests set up: the catalogue the canonical customer buys from, its group known."""
        await runtime.store.open()
        try:
            async with TestKafkaBroker(runtime.broker):
                for bundle in (
                    Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
                    Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
                ):
                    await service.handlers.catalogue.put_bundle(bundle)
                await runtime.relay.start()
                group = PlatformGroupCreated(
                    platform_group_id="pg-ottawa-1",
                    name="Ottawa 1",
                    mivb_version="10.1",
                    micollab_version="9.8",
                    mbg_ids=["m"],
                )
                await runtime.broker.publish(envelope(group).to_json(), topics.PLATFORM_EVENTS, key=b"pg-ottawa-1")
                try:
                    yield
                finally:
                    await runtime.relay.stop()
        finally:
            await runtime.store.close()

    return service, lifespan


def test_schemathesis_finds_nothing(tmp_path: Path, schemathesis_run: Any, fuzz_token: str) -> None:
    assert fuzz_token == TOKEN
    service, lifespan = running(tmp_path)
    schemathesis_run(service.app, lifespan).assert_clean()


async def test_a_malformed_forged_or_non_ascii_token_is_401(tmp_path: Path, hostile_tokens_get_401: Any) -> None:
    service, _ = running(tmp_path)
    await hostile_tokens_get_401(service.app, ["/api/v1/customers", "/api/v1/bundles", "/api/v1/customers/c-1"])
