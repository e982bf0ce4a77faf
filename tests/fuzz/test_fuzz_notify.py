"""notify-svc's API under schemathesis, and its bearer-token check."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from notify_svc.bootstrap import NotifyService, NotifySettings, build

TOKEN = "fuzz-admin-token"


def running(tmp_path: Path) -> tuple[NotifyService, Any]:
    service = build(NotifySettings(admin_token=TOKEN, store_url=f"sqlite://{tmp_path / 'notify.db'}"))
    runtime = service.runtime

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runtime.store.open()
        try:
            async with TestKafkaBroker(runtime.broker):
                for hook in runtime.on_start:  # the templates' seeding
                    await hook()
                await runtime.relay.start()
                try:
                    yield
                finally:
                    await runtime.relay.stop()
        finally:
            await runtime.store.close()

    return service, lifespan


def test_schemathesis_finds_nothing(tmp_path: Path, schemathesis_run: Any) -> None:
    service, lifespan = running(tmp_path)
    schemathesis_run(service.app, lifespan).assert_clean()


async def test_a_malformed_forged_or_non_ascii_token_is_401(tmp_path: Path, hostile_tokens_get_401: Any) -> None:
    service, _ = running(tmp_path)
    await hostile_tokens_get_401(service.app, ["/api/v1/mail-templates", "/api/v1/mail-templates/welcome-default"])
