"""R12 on numbers: splitting, overlap, and an index whose checks read only the blocks a range touches."""

from typing import Any

import pytest

from customer_svc.did_index import DidIndex
from customer_svc.domain.did_ranges import BLOCK, Span, covered_by, remove
from mmp_servicekit.store import open_database

pytestmark = pytest.mark.unit


def span(start: int, end: int, digits: int = 10) -> Span:
    return Span(start, end, digits)


def test_r12_removing_part_of_a_range_splits_it() -> None:
    assert remove([span(6135924000, 6135924019)], span(6135924005, 6135924009)) == [
        span(6135924000, 6135924004),
        span(6135924010, 6135924019),
    ]
    assert remove([span(100, 199, 3)], span(100, 199, 3)) == []


def test_r12_numbers_of_another_length_never_overlap() -> None:
    assert not span(100, 199, 3).overlaps(span(100, 199, 4))
    assert span(100, 199, 3).overlaps(span(199, 250, 3))


def test_r12_only_held_numbers_can_be_removed() -> None:
    held = [span(100, 119, 3), span(150, 169, 3)]
    assert covered_by(held, span(105, 110, 3))
    assert not covered_by(held, span(115, 155, 3))


class CountingCollection:
    """The real embedded collection, counting the documents it is asked for."""

    def __init__(self, collection: Any) -> None:
        self.collection, self.reads = collection, 0

    async def find_one(self, *args: Any, **kwargs: Any) -> Any:
        self.reads += 1
        return await self.collection.find_one(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.collection, name)


async def test_r12_the_group_wide_check_reads_the_same_few_blocks_with_1_or_500_ranges_held() -> None:
    blocks = CountingCollection(open_database(None, "dids")["did_blocks"])
    index = DidIndex(blocks)
    reads = []
    for held in (1, 500):
        for n in range(held):
            await index.claim(f"pg-{held}", f"c-{n}", span(6130000000 + n * 20, 6130000000 + n * 20 + 19))
        blocks.reads = 0
        assert await index.claim(f"pg-{held}", "newcomer", span(6130000005, 6130000010)) == "c-0"
        reads.append(blocks.reads)
    assert reads == [1, 1]


async def test_r12_a_claim_across_blocks_gives_back_what_it_took_when_it_meets_another_customer() -> None:
    index = DidIndex(open_database(None, "dids")["did_blocks"])
    assert await index.claim("pg", "a", span(3 * BLOCK, 3 * BLOCK + 9)) is None
    assert await index.claim("pg", "b", span(2 * BLOCK, 3 * BLOCK + 5)) == "a"
    assert await index.claim("pg", "c", span(2 * BLOCK, 3 * BLOCK - 1)) is None, "b kept nothing of block 2"
    await index.release("pg", "a", span(3 * BLOCK, 3 * BLOCK + 9))
    assert await index.claim("pg", "b", span(3 * BLOCK, 3 * BLOCK + 5)) is None
