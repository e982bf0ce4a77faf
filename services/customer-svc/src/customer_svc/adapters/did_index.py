"""The group-wide index of DID ranges (R12): no number belongs to two customers of a platform group.

Each document holds the ranges (clipped) that fall in one block of numbers of one group and one length, so
a claim reads and writes only the blocks its range touches, however many ranges the group holds. A claim
that meets another customer's range gives back the blocks it had already taken. Entries are objects, not
lists: FerretDB stores no arrays nested in arrays.

Numbers are claimed before the record that holds them is written (the customer, or its DID request), so a
failure in between leaves a claim that nothing holds. Such a claim counts as free: a claim that meets another
holder asks whether that customer holds (or is acquiring) any of the numbers, and takes them over in the same
guarded write when it does not. A claim younger than `CLAIM_SETTLES_SECONDS` is respected whatever its
holder's record says, since that record may be a moment from being written.
"""

import time
from collections.abc import Callable
from typing import Any, Protocol

from mmp_contracts.customer_spec import DidRange
from mmp_servicekit.store import Collection, Document, DuplicateKey
from mmp_servicekit.store.guarded import change_document

BLOCK = 10_000
"""Numbers per block."""
CLAIM_SETTLES_SECONDS = 60.0
"""Far longer than the moment between a claim and the write of the record that holds its numbers."""

Entry = dict[str, Any]
"""`start`, `end`, `holder` (a customer id) and `at` (when it was claimed, epoch seconds): a range, or the part
of it in the block, and who holds it."""


class Holders(Protocol):
    async def claims(self, customer_id: str, group: str, did_range: DidRange) -> bool:
        """Whether the customer holds, or is acquiring, any of these numbers of the group."""
        ...


class EveryClaimHeld:
    """Where there are no customer records to ask (`mmp bench-dids` times the check alone): every claim is held."""

    async def claims(self, customer_id: str, group: str, did_range: DidRange) -> bool:
        return True


class DidIndex:
    def __init__(
        self, blocks: Collection, holders: Holders | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        self.blocks = blocks
        self.holders = holders or EveryClaimHeld()
        self.clock = clock

    async def claim(self, group: str, customer_id: str, did_range: DidRange) -> str | None:
        """Takes the numbers for the customer; returns the customer already holding one of them, if any."""
        taken: list[int] = []
        for block in blocks_of(did_range):
            holder = await self._claim_block(group, block, customer_id, clipped(did_range, block))
            if holder is not None:
                for done in taken:
                    await self._release_block(group, done, customer_id, clipped(did_range, done))
                return holder
            taken.append(block)
        return None

    async def release(self, group: str, customer_id: str, *ranges: DidRange) -> None:
        """Frees whatever of these numbers the customer holds (a part of a held range splits it)."""
        for did_range in ranges:
            for block in blocks_of(did_range):
                await self._release_block(group, block, customer_id, clipped(did_range, block))

    async def _claim_block(self, group: str, block: int, customer_id: str, part: DidRange) -> str | None:
        """The holder that keeps the claim from being taken, if any. A holder found holding none of the numbers
        is taken over; one whose claim is too young to judge is respected."""
        holding_none: set[str] = set()
        while True:
            holder = await self._write_claim(block_key(group, part.digits, block), customer_id, part, holding_none)
            if holder is None:
                return None
            if holder in holding_none or await self.holders.claims(holder, group, part):
                return holder
            holding_none.add(holder)

    async def _write_claim(self, key: str, customer_id: str, part: DidRange, taken_over: set[str]) -> str | None:
        now = self.clock()
        entry = {"start": part.start, "end": part.end, "holder": customer_id, "at": now}
        found = False
        holder: str | None = None

        def claim(doc: Document) -> Document | None:
            nonlocal found, holder
            found, kept = True, []
            for other in doc["entries"]:
                if other["holder"] == customer_id or not part.overlaps(held(other)):
                    kept.append(other)
                elif other["holder"] in taken_over and other["at"] <= now - CLAIM_SETTLES_SECONDS:
                    kept += pieces(other, held(other).minus(part))
                else:
                    holder = other["holder"]
                    return None
            # claimed again (a redelivery): the claim is as young as the record about to be written
            same = (customer_id, part.start, part.end)
            mine = [e for e in kept if (e["holder"], e["start"], e["end"]) != same]
            return {**doc, "entries": [*mine, entry]}

        await change_document(self.blocks, key, claim)
        if not found:
            try:
                await self.blocks.insert({"_id": key, "version": 1, "entries": [entry]})
            except DuplicateKey:  # another claim made the block in between: claim in it as it now stands
                await change_document(self.blocks, key, claim)
        return holder

    async def _release_block(self, group: str, block: int, customer_id: str, part: DidRange) -> None:
        def release(doc: Document) -> Document | None:
            kept: list[Entry] = []
            for entry in doc["entries"]:
                kept += pieces(entry, held(entry).minus(part)) if entry["holder"] == customer_id else [entry]
            return None if kept == doc["entries"] else {**doc, "entries": kept}

        await change_document(self.blocks, block_key(group, part.digits, block), release)


def held(entry: Entry) -> DidRange:
    # entries were checked when claimed: no need to validate them again on every read
    return DidRange.model_construct(start=entry["start"], end=entry["end"])


def pieces(entry: Entry, ranges: list[DidRange]) -> list[Entry]:
    """What is left of an entry's claim: the same holder and age, on fewer numbers."""
    return [{**entry, "start": piece.start, "end": piece.end} for piece in ranges]


def blocks_of(did_range: DidRange) -> range:
    return range(int(did_range.start) // BLOCK, int(did_range.end) // BLOCK + 1)


def clipped(did_range: DidRange, block: int) -> DidRange:
    """The part of the range inside the block."""
    start = max(int(did_range.start), block * BLOCK)
    end = min(int(did_range.end), (block + 1) * BLOCK - 1)
    return DidRange(start=str(start).zfill(did_range.digits), end=str(end).zfill(did_range.digits))


def block_key(group: str, digits: int, block: int) -> str:
    return f"{group}:{digits}:{block}"
