"""R12 across customers: the group-wide index on the embedded store, whose checks read only the blocks a
range touches."""

import time
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest

from customer_svc.adapters.did_index import BLOCK, DidIndex
from mmp_contracts.customer_spec import DidRange
from mmp_servicekit.store import Collection, Document, Scalar, Store, open_store

pytestmark = pytest.mark.component


def span(start: int, end: int, digits: int = 10) -> DidRange:
    return DidRange(start=str(start).zfill(digits), end=str(end).zfill(digits))


class CountingCollection:
    """The real embedded collection, counting the documents it is asked for."""

    def __init__(self, collection: Collection) -> None:
        self.collection, self.name, self.reads = collection, collection.name, 0

    async def get(self, doc_id: str) -> Document | None:
        self.reads += 1
        return await self.collection.get(doc_id)

    async def insert(self, doc: Document) -> None:
        await self.collection.insert(doc)

    async def replace(self, doc: Document, *, version: int) -> bool:
        return await self.collection.replace(doc, version=version)

    async def put(self, doc: Document) -> None:
        await self.collection.put(doc)

    async def delete(self, doc_id: str, *, version: int | None = None) -> bool:
        return await self.collection.delete(doc_id, version=version)

    async def find(
        self,
        where: Mapping[str, Scalar] | None = None,
        *,
        order_by: str = "_id",
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Document]:
        return await self.collection.find(where, order_by=order_by, descending=descending, offset=offset, limit=limit)

    async def count(self, where: Mapping[str, Scalar] | None = None) -> int:
        return await self.collection.count(where)


class Records:
    """The customers' records as the index asks them: who holds (or is acquiring) which numbers."""

    def __init__(self) -> None:
        self.held: dict[str, list[DidRange]] = {}

    async def claims(self, customer_id: str, group: str, did_range: DidRange) -> bool:
        return any(did_range.overlaps(r) for r in self.held.get(customer_id, []))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    store = open_store(f"sqlite://{tmp_path}/customer.db", "customer_svc")
    store.collection("did_blocks")
    await store.open()
    yield store
    await store.close()


async def test_r12_the_group_wide_check_reads_the_same_few_blocks_with_1_or_500_ranges_held(store: Store) -> None:
    blocks = CountingCollection(store.collection("did_blocks"))
    records = Records()
    index = DidIndex(blocks, records)
    reads = []
    for held in (1, 500):
        for n in range(held):
            records.held[f"c-{n}"] = [span(6130000000 + n * 20, 6130000000 + n * 20 + 19)]
            await index.claim(f"pg-{held}", f"c-{n}", records.held[f"c-{n}"][0])
        blocks.reads = 0
        assert await index.claim(f"pg-{held}", "newcomer", span(6130000005, 6130000010)) == "c-0"
        reads.append(blocks.reads)
    assert reads == [1, 1]


async def test_r12_a_claim_across_blocks_gives_back_what_it_took_when_it_meets_another_customer(store: Store) -> None:
    records = Records()
    index = DidIndex(store.collection("did_blocks"), records)
    records.held = {"a": [span(3 * BLOCK, 3 * BLOCK + 9)], "b": [span(2 * BLOCK, 3 * BLOCK + 5)]}
    assert await index.claim("pg", "a", span(3 * BLOCK, 3 * BLOCK + 9)) is None
    assert await index.claim("pg", "b", span(2 * BLOCK, 3 * BLOCK + 5)) == "a"
    assert await index.claim("pg", "c", span(2 * BLOCK, 3 * BLOCK - 1)) is None, "b kept nothing of block 2"
    await index.release("pg", "a", span(3 * BLOCK, 3 * BLOCK + 9))
    assert await index.claim("pg", "b", span(3 * BLOCK, 3 * BLOCK + 5)) is None


async def test_r12_a_claim_its_holder_never_came_to_hold_is_taken_over_once_settled(store: Store) -> None:
    records = Records()
    blocks = store.collection("did_blocks")
    an_hour_ago = DidIndex(blocks, records, clock=lambda: time.time() - 3600)
    assert await an_hour_ago.claim("pg", "crashed-before-its-record", span(6130000000, 6130000019)) is None
    index = DidIndex(blocks, records)

    records.held["retry"] = [span(6130000010, 6130000029)]
    assert await index.claim("pg", "retry", span(6130000010, 6130000029)) is None
    assert await index.claim("pg", "someone", span(6130000015, 6130000015)) == "retry"
    assert await index.claim("pg", "someone", span(6130000000, 6130000009)) is None, "the rest was free too"


async def test_r12_a_young_claim_is_respected_however_its_holder_stands(store: Store) -> None:
    index = DidIndex(store.collection("did_blocks"), Records())
    assert await index.claim("pg", "about-to-write-its-record", span(6130000000, 6130000019)) is None
    assert await index.claim("pg", "other", span(6130000005, 6130000005)) == "about-to-write-its-record"


async def test_r12_a_settled_claim_its_holder_holds_stays_its(store: Store) -> None:
    records = Records()
    records.held["holder"] = [span(6130000000, 6130000019)]
    an_hour_ago = DidIndex(store.collection("did_blocks"), records, clock=lambda: time.time() - 3600)
    assert await an_hour_ago.claim("pg", "holder", span(6130000000, 6130000019)) is None
    index = DidIndex(store.collection("did_blocks"), records)
    assert await index.claim("pg", "other", span(6130000019, 6130000025)) == "holder"
