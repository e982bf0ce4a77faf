"""`mmp bench-dids`: the group-wide DID overlap check (R12) with 1,000 and with 100,000 ranges held.

The index is filled as that many claims would leave it (documents written directly, so filling takes
seconds), then the same checks run against each size: the ratio shows whether the check grows with
the number of ranges on the group (a scan) or not (reads of the blocks a range touches).
"""

import asyncio
import statistics
import time
from collections import defaultdict

from customer_svc.did_index import DidIndex, block_key
from customer_svc.domain.did_ranges import Span
from mmp_servicekit.store import open_database

FIRST, WIDTH, DIGITS = 6_130_000_000, 20, 10


async def filled_index(ranges: int) -> DidIndex:
    blocks = open_database(None, f"bench_{ranges}")["did_blocks"]
    entries: dict[int, list[list[object]]] = defaultdict(list)
    for n in range(ranges):
        span = Span(FIRST + n * WIDTH, FIRST + n * WIDTH + WIDTH - 1, DIGITS)
        for block in span.blocks():
            part = span.clipped_to(block)
            entries[block].append([part.start, part.end, f"customer-{n}"])
    await blocks.insert_many(
        [{"_id": block_key("pg", DIGITS, b), "version": 1, "entries": e} for b, e in entries.items()]
    )
    return DidIndex(blocks)


async def check_times(index: DidIndex, ranges: int, samples: int) -> list[float]:
    times = []
    for i in range(samples):
        start = FIRST + (i * 7919 % ranges) * WIDTH + 3  # inside a held range: the check finds its holder
        began = time.perf_counter()
        holder = await index.claim("pg", "newcomer", Span(start, start + 4, DIGITS))
        times.append(time.perf_counter() - began)
        assert holder is not None
    return times


async def run(samples: int = 300) -> str:
    medians = {}
    for ranges in (1_000, 100_000):
        index = await filled_index(ranges)
        medians[ranges] = statistics.median(await check_times(index, ranges, samples))
    small, large = medians[1_000], medians[100_000]
    return "\n".join(
        [
            f"overlap check, median of {samples}: {small * 1e6:.0f} us with 1,000 ranges on the group, "
            f"{large * 1e6:.0f} us with 100,000",
            f"100,000 / 1,000: {large / small:.2f}x (a scan of every range would be about 100x)",
        ]
    )


def main() -> None:
    print(asyncio.run(run()))
