"""platform-svc's API under schemathesis, against its simulators over HTTP; and its bearer-token check.

Whatever URL the fuzzer puts in a body, the service's HTTP client reaches only the simulators: any other host
is unreachable, as a platform that is down would be."""

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.fernet import Fernet
from fastapi import FastAPI
from faststream.kafka import TestKafkaBroker

from mmp_servicekit.testing import wait_until
from mmp_simulators import create_app
from platform_svc.bootstrap import PlatformService, PlatformSettings, build

TOKEN = "fuzz-admin-token"
SIMULATORS = {
    "pm": ("pm", "3.0.0.0"),
    "mivb": ("mivb", "10.1.0.0"),
    "micollab": ("micollab", "9.8.0.0"),
    "mbg": ("mbg", "12.0.0.0"),
}


class SimulatorsOnly(httpx.AsyncBaseTransport):
    """The network as the fuzzed service sees it: the simulators, and nothing else."""

    def __init__(self, reachable: set[str]) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.reachable = reachable

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if f"{request.url.host}:{request.url.port}" not in self.reachable:
            raise httpx.ConnectError("unreachable (only the simulators are)", request=request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


def running(tmp_path: Path) -> tuple[PlatformService, Any]:
    sockets = {name: socket.socket() for name in SIMULATORS}
    for sock in sockets.values():
        sock.bind(("127.0.0.1", 0))
    urls = {name: f"http://127.0.0.1:{sock.getsockname()[1]}" for name, sock in sockets.items()}
    network = SimulatorsOnly({url.removeprefix("http://") for url in urls.values()})
    http = httpx.AsyncClient(transport=network, timeout=httpx.Timeout(2.0, connect=1.0))
    settings = PlatformSettings(
        admin_token=TOKEN,
        relay_sweep_seconds=0.05,
        secrets_key=Fernet.generate_key().decode(),  # type: ignore[arg-type]
        store_url=f"sqlite://{tmp_path}/platform.db",
    )
    service = build(settings, http=http)
    runtime = service.runtime

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """The simulators, the store, the broker and the seeded key template; then a Platform Manager, its
        blueprint and a group made from it, so that the fuzzer meets existing things too."""
        servers = []
        for name, (product, version) in SIMULATORS.items():
            server = uvicorn.Server(uvicorn.Config(create_app(product, version), log_level="warning", lifespan="off"))
            servers.append((server, asyncio.create_task(server.serve(sockets=[sockets[name]]))))
        await runtime.store.open()
        try:
            async with TestKafkaBroker(runtime.broker):
                await runtime.relay.start()
                await service.key_templates.seed()
                await wait_until(lambda: all(server.started for server, _ in servers), 5, "simulators started")
                async with httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=app),
                    base_url="http://platform-svc",
                    headers={"Authorization": f"Bearer {TOKEN}"},
                ) as api:
                    for method, path, body in [
                        ("PUT", "/api/v1/platform-manager/feature", {"enabled": True}),
                        (
                            "PUT",
                            "/api/v1/platform-manager",
                            {"url": urls["pm"], "username": "pm-admin", "password": "pm-secret"},
                        ),
                        ("POST", "/api/v1/blueprints", {"blueprint_id": "bp-mivb-standard"}),
                        (
                            "POST",
                            "/api/v1/platform-groups",
                            {
                                "id": "pg-1",
                                "name": "Ottawa 1",
                                "blueprint_id": "bp-mivb-standard",
                                "mivb_url": urls["mivb"],
                                "micollab_url": urls["micollab"],
                                "sites": [{"id": "ottawa", "name": "Ottawa", "mbg_url": urls["mbg"]}],
                            },
                        ),
                    ]:
                        (await api.request(method, path, json=body)).raise_for_status()
                try:
                    yield
                finally:
                    await runtime.relay.stop()
        finally:
            await runtime.store.close()
            for server, _ in servers:
                server.should_exit = True
            await asyncio.gather(*(task for _, task in servers))
            await http.aclose()

    return service, lifespan


def test_schemathesis_finds_nothing(tmp_path: Path, schemathesis_run: Any) -> None:
    service, lifespan = running(tmp_path)
    schemathesis_run(service.app, lifespan).assert_clean()


async def test_a_malformed_forged_or_non_ascii_token_is_401(tmp_path: Path, hostile_tokens_get_401: Any) -> None:
    service, _ = running(tmp_path)
    paths = ["/api/v1/platform-groups", "/api/v1/platform-manager", "/api/v1/blueprints/bp-1", "/api/v1/key-templates"]
    await hostile_tokens_get_401(service.app, paths)
