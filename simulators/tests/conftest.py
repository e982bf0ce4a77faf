from collections.abc import AsyncIterator

import httpx
import pytest

from mmp_simulators import create_app

PM_AUTH = ("pm-admin", "pm-secret")


def _client(product: str, version: str, auth: tuple[str, str] | None = None) -> httpx.AsyncClient:
    app = create_app(product, version)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sim", auth=auth)


@pytest.fixture
async def mivb() -> AsyncIterator[httpx.AsyncClient]:
    async with _client("mivb", "10.1.0.0") as client:
        yield client


@pytest.fixture
async def mbg() -> AsyncIterator[httpx.AsyncClient]:
    async with _client("mbg", "12.0.0.0") as client:
        yield client


@pytest.fixture
async def micollab() -> AsyncIterator[httpx.AsyncClient]:
    async with _client("micollab", "9.8.0.0") as client:
        yield client


@pytest.fixture
async def pm() -> AsyncIterator[httpx.AsyncClient]:
    async with _client("pm", "3.0.0.0", auth=PM_AUTH) as client:
        yield client
