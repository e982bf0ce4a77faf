"""The embedded store: every lookup is an index search, and a committed write outlives a SIGKILL."""

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mmp_servicekit.store import Index, StoreNotConfigured, open_store
from mmp_servicekit.store.sqlite import SqliteCollection, SqliteStore

pytestmark = pytest.mark.unit

INDEXES = [Index.on("webid", unique=True), Index.on("status", "created_at"), Index.on("task_ids", multi=True)]


def plan(collection: SqliteCollection, where: dict[str, str], order_by: str = "_id") -> str:
    clause, params = collection._where(where)
    order = collection._column(order_by)
    sql = f'EXPLAIN QUERY PLAN SELECT body FROM "{collection.name}"{clause} ORDER BY {order}'
    return " | ".join(row[-1] for row in collection.store.connection.execute(sql, params))


async def test_every_lookup_searches_an_index_rather_than_scanning(tmp_path: Path) -> None:
    store = open_store(f"sqlite://{tmp_path / 'svc.db'}", "svc")
    assert isinstance(store, SqliteStore)
    customers = store.collection("customers", INDEXES)
    await store.open()
    for where, order in [
        ({"webid": "harbour-dental"}, "_id"),
        ({"status": "ACTIVE"}, "created_at"),
        ({"task_ids": "t-1"}, "_id"),
        ({"_id": "c-1"}, "_id"),
    ]:
        shown = plan(customers, where, order)
        assert "SEARCH" in shown, shown
        assert f"SCAN {customers.name}" not in shown.replace(f"SCAN {customers.name}__", ""), shown
    await store.close()


WRITER = textwrap.dedent(
    """
    import asyncio, sys
    from mmp_servicekit.store import Index, open_store

    async def main():
        store = open_store(sys.argv[1], "svc")
        things = store.collection("things", [Index.on("tag", multi=True)])
        await store.open()
        for n in range(200):
            await things.insert({"_id": f"t-{n}", "version": 1, "tag": [f"x-{n}"]})
            print(n, flush=True)  # as a consumer commits its offset once the write returned
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


def write_then_die(url: str) -> list[str]:
    """Runs a writer until it has acknowledged 200 writes, then kills it as a crash would."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    acknowledged = list(itertools.islice(writer.stdout, 200))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    return acknowledged


@pytest.mark.timeout(60)
async def test_a_write_that_returned_survives_a_sigkill_of_the_process(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'svc.db'}"
    acknowledged = write_then_die(url)
    store = open_store(url, "svc")
    things = store.collection("things", [Index.on("tag", multi=True)])
    await store.open()
    assert len(acknowledged) == 200
    assert await things.count() == 200
    assert [d["_id"] for d in await things.find({"tag": "x-199"})] == ["t-199"]
    await store.close()


def test_a_service_without_a_store_refuses_to_start_and_says_why() -> None:
    with pytest.raises(StoreNotConfigured, match="MMP_STORE_URL is not set"):
        open_store(None, "customer_svc")
    with pytest.raises(StoreNotConfigured, match="names no file"):
        open_store("sqlite://:memory:", "customer_svc")
    with pytest.raises(StoreNotConfigured, match="must start with"):
        open_store("postgres://db/mmp", "customer_svc")


async def test_two_handles_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    """A second instance of a service joining its group shares the file."""
    url = f"sqlite://{tmp_path / 'svc.db'}"
    first, second = open_store(url, "svc"), open_store(url, "svc")
    ones, twos = first.collection("things"), second.collection("things")
    await asyncio.gather(first.open(), second.open())
    await ones.insert({"_id": "a", "version": 1})
    assert await twos.replace({"_id": "a", "version": 2}, version=1)
    assert not await ones.replace({"_id": "a", "version": 2, "lost": True}, version=1)
    assert await ones.get("a") == {"_id": "a", "version": 2}
    await asyncio.gather(first.close(), second.close())
