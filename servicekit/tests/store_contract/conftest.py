"""Every store adapter this run can reach: SQLite always; MongoDB-protocol servers named by
`MMP_STORE_CONTRACT_URLS` (comma-separated) or `MMP_MONGO_URL`."""

import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from mmp_servicekit.store import Index, Store, open_store

MONGO_URLS = [
    url
    for url in [*os.environ.get("MMP_STORE_CONTRACT_URLS", "").split(","), os.environ.get("MMP_MONGO_URL", "")]
    if url
]

INDEXES = [
    Index.on("webid", unique=True),
    Index.on("status", "created_at"),
    Index.on("created_at"),
    Index.on("task_ids", multi=True),
    Index.on("pending"),
]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "store_url" in metafunc.fixturenames:
        urls = ["sqlite", *list(dict.fromkeys(MONGO_URLS))]
        metafunc.parametrize("store_url", urls, ids=[url.split("://")[0].split("@")[-1] for url in urls])


@pytest.fixture
def make_store(store_url: str, tmp_path: Path) -> Iterator[Callable[[], Store]]:
    """A new handle on the same database each call, as a restarted service would open it."""
    database = f"contract_{uuid.uuid4().hex[:12]}"
    url = f"sqlite://{tmp_path / 'contract.db'}" if store_url == "sqlite" else store_url
    return lambda: open_store(url, database)


@pytest.fixture
async def store(make_store: Callable[[], Store]) -> AsyncIterator[Store]:
    opened = make_store()
    opened.collection("customers", INDEXES)
    await opened.open()
    yield opened
    await opened.close()
