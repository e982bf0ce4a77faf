"""The store port's promises, held by every adapter (SQLite, MongoDB, FerretDB) alike."""

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from mmp_servicekit.store import Collection, Document, DuplicateKey, Index, Store

pytestmark = pytest.mark.store_contract


def customer(doc_id: str, webid: str, version: int = 1, **fields: Any) -> Document:
    return {
        "_id": doc_id,
        "version": version,
        "webid": webid,
        "status": "ACTIVE",
        "created_at": "2026-12-02T10:00:00.000000+00:00",
        "task_ids": [f"t-{doc_id}"],
        "pending": False,
        **fields,
    }


@pytest.fixture
def customers(store: Store) -> Collection:
    return store.collection("customers")


async def test_a_document_comes_back_exactly_as_written(customers: Collection) -> None:
    doc = customer(
        "c-1",
        "harbour-dental",
        spec={"name": "Zürich Ärzte ☎", "ratio": 0.25, "big": 2**53, "flags": [True, False, None], "empty": {}},
    )
    await customers.insert(doc)
    assert await customers.get("c-1") == doc
    assert await customers.get("c-2") is None


async def test_a_taken_id_or_unique_value_is_refused_naming_the_field(customers: Collection) -> None:
    await customers.insert(customer("c-1", "harbour-dental"))
    with pytest.raises(DuplicateKey) as same_id:
        await customers.insert(customer("c-1", "other-dental"))
    assert same_id.value.field == "_id"
    with pytest.raises(DuplicateKey) as same_webid:
        await customers.insert(customer("c-2", "harbour-dental"))
    assert same_webid.value.field == "webid"
    assert await customers.get("c-2") is None
    with pytest.raises(DuplicateKey) as both:
        await customers.insert(customer("c-1", "harbour-dental"))
    assert both.value.field == "_id", "a redelivered insert is told its id is taken, whatever else clashes"


async def test_a_unique_field_must_hold_a_value(customers: Collection) -> None:
    with pytest.raises(ValueError, match="unique field"):
        await customers.insert({"_id": "c-1", "version": 1, "task_ids": [], "status": "A", "created_at": "x"})


async def test_replace_writes_only_over_the_version_it_read(customers: Collection) -> None:
    await customers.insert(customer("c-1", "harbour-dental"))
    assert await customers.replace(customer("c-1", "harbour-dental", version=2, status="DELETED"), version=1)
    stale = customer("c-1", "harbour-dental", version=2, status="FAILED")
    assert not await customers.replace(stale, version=1)
    assert (await customers.get("c-1"))["status"] == "DELETED"  # type: ignore[index]
    assert not await customers.replace(customer("c-9", "nobody", version=2), version=1)
    assert await customers.get("c-9") is None


async def test_of_two_writers_on_one_version_exactly_one_wins(customers: Collection) -> None:
    await customers.insert(customer("c-1", "harbour-dental"))
    outcomes = await asyncio.gather(
        *(customers.replace(customer("c-1", "harbour-dental", version=2, status=f"S{n}"), version=1) for n in range(5))
    )
    assert sorted(outcomes) == [False] * 4 + [True]


async def test_a_replace_that_would_take_a_held_unique_value_changes_nothing(customers: Collection) -> None:
    await customers.insert(customer("c-1", "harbour-dental"))
    await customers.insert(customer("c-2", "other-dental"))
    with pytest.raises(DuplicateKey) as taken:
        await customers.replace(customer("c-2", "harbour-dental", version=2), version=1)
    assert taken.value.field == "webid"
    assert await customers.get("c-2") == customer("c-2", "other-dental")


async def test_put_inserts_or_overwrites(customers: Collection) -> None:
    await customers.put(customer("c-1", "harbour-dental"))
    await customers.put(customer("c-1", "renamed-dental", version=7))
    assert await customers.get("c-1") == customer("c-1", "renamed-dental", version=7)
    assert await customers.find({"webid": "harbour-dental"}) == []


async def test_delete_honours_its_version_guard(customers: Collection) -> None:
    await customers.insert(customer("c-1", "harbour-dental", version=3))
    assert not await customers.delete("c-1", version=2)
    assert await customers.delete("c-1", version=3)
    assert not await customers.delete("c-1")
    assert await customers.find({"task_ids": "t-c-1"}) == []
    await customers.insert(customer("c-1", "harbour-dental"))  # its unique values are free again


async def test_find_by_index_with_order_and_paging(customers: Collection) -> None:
    for n in range(6):
        status = "ACTIVE" if n % 2 else "FAILED"
        await customers.insert(customer(f"c-{n}", f"webid-{n}", status=status, created_at=f"2026-12-0{n + 1}"))
    active = await customers.find({"status": "ACTIVE"}, order_by="created_at", descending=True)
    assert [d["_id"] for d in active] == ["c-5", "c-3", "c-1"]
    page = await customers.find(order_by="created_at", descending=True, offset=1, limit=2)
    assert [d["_id"] for d in page] == ["c-4", "c-3"]
    assert [d["_id"] for d in await customers.find(limit=2)] == ["c-0", "c-1"]
    assert await customers.count({"status": "FAILED"}) == 3
    assert await customers.count() == 6
    assert [d["_id"] for d in await customers.find({"webid": "webid-4", "status": "FAILED"})] == ["c-4"]
    assert await customers.find({"pending": True}) == []


async def test_a_list_field_finds_its_document_by_any_member(customers: Collection) -> None:
    await customers.insert(customer("c-1", "harbour-dental", task_ids=["t-1", "t-2"]))
    assert [d["_id"] for d in await customers.find({"task_ids": "t-2"})] == ["c-1"]
    await customers.replace(customer("c-1", "harbour-dental", version=2, task_ids=["t-3"]), version=1)
    assert await customers.find({"task_ids": "t-2"}) == []
    assert [d["_id"] for d in await customers.find({"task_ids": "t-3"})] == ["c-1"]


async def test_a_lookup_on_a_field_without_an_index_is_refused(customers: Collection) -> None:
    with pytest.raises(ValueError, match="not indexed"):
        await customers.find({"spec": "x"})
    with pytest.raises(ValueError, match="not indexed"):
        await customers.find(order_by="spec")


async def test_what_was_written_is_there_after_a_restart(make_store: Callable[[], Store], store: Store) -> None:
    await store.collection("customers").insert(customer("c-1", "harbour-dental"))
    await store.close()
    again = make_store()
    later = again.collection("customers", [Index.on("webid", unique=True), Index.on("spec_name")])
    await again.open()
    try:
        assert (await later.get("c-1")) == customer("c-1", "harbour-dental")
        assert [d["_id"] for d in await later.find({"webid": "harbour-dental"})] == ["c-1"]
        assert await later.find({"spec_name": "x"}) == []  # an index declared later serves the old documents
    finally:
        await again.close()
