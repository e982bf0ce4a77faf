"""`mmp bench-dids`: the group-wide DID overlap check (R12) with 1,000 and with 100,000 ranges held.

The index is filled as that many claims would leave it (documents written directly, so filling takes
seconds), then the same checks run against each size: the ratio shows whether the check grows with
the number of ranges on the group (a scan) or not (reads of the blocks a range touches).
"""

import asyncio
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from customer_svc.adapters.did_index import DidIndex, block_key, blocks_of, clipped
from mmp_contracts.customer_spec import DidRange
from mmp_servicekit.store import Store, open_store

FIRST, WIDTH, DIGITS = 6_130_000_000, 20, 10


def numbers(start: int, end: int) -> DidRange:
    return DidRange(start=str(start), end=str(end))


async def filled_index(store: Store, ranges: int) -> DidIndex:
    blocks = store.collection(f"did_blocks_{ranges}")
    await store.open()
    entries: dict[int, list[dict[str, str]]] = defaultdict(list)
    for n in range(ranges):
        held = numbers(FIRST + n * WIDTH, FIRST + n * WIDTH + WIDTH - 1)
        for block in blocks_of(held):
            part = clipped(held, block)
            entries[block].append({"start": part.start, "end": part.end, "holder": f"customer-{n}"})
    for block, held_there in entries.items():
        await blocks.insert({"_id": block_key("pg", DIGITS, block), "version": 1, "entries": held_there})
    return DidIndex(blocks)


async def check_times(index: DidIndex, ranges: int, samples: int) -> list[float]:
    times = []
    for i in range(samples):
        start = FIRST + (i * 7919 % ranges) * WIDTH + 3  # inside a held range: the check finds its holder
        began = time.perf_counter()
        holder = await index.claim("pg", "newcomer", numbers(start, start + 4))
        times.append(time.perf_counter() - began)
        assert holder is not None
    return times


async def run(samples: int = 300) -> str:
    medians = {}
    with tempfile.TemporaryDirectory(prefix="mmp-bench-dids-") as folder:
        for ranges in (1_000, 100_000):
            store = open_store(f"sqlite://{Path(folder) / f'dids-{ranges}.db'}", "bench")
            index = await filled_index(store, ranges)
            medians[ranges] = statistics.median(await check_times(index, ranges, samples))
            await store.close()
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
