"""The group-wide index of DID ranges (R12): no number belongs to two customers of a platform group.

Each document holds the ranges (clipped) that fall in one block of numbers of one group and one length, so
a claim reads and writes only the blocks its range touches, however many ranges the group holds. A claim
that meets another customer's range gives back the blocks it had already taken. Entries are objects, not
lists: FerretDB stores no arrays nested in arrays.
"""

from mmp_contracts.customer_spec import DidRange
from mmp_servicekit.store import Collection, Document, DuplicateKey
from mmp_servicekit.store.guarded import change_document

BLOCK = 10_000
"""Numbers per block."""

Entry = dict[str, str]
"""`start`, `end` and `holder` (a customer id): a range, or the part of it in the block, and who holds it."""


class DidIndex:
    def __init__(self, blocks: Collection) -> None:
        self.blocks = blocks

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
        key = block_key(group, part.digits, block)
        entry = {"start": part.start, "end": part.end, "holder": customer_id}
        found = False
        holder: str | None = None

        def claim(doc: Document) -> Document | None:
            nonlocal found, holder
            found, entries = True, doc["entries"]
            others = (e["holder"] for e in entries if e["holder"] != customer_id and part.overlaps(held(e)))
            holder = next(others, None)
            if holder is not None or entry in entries:
                return None
            return {**doc, "entries": [*entries, entry]}

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
                pieces = held(entry).minus(part) if entry["holder"] == customer_id else [held(entry)]
                kept += [{"start": piece.start, "end": piece.end, "holder": entry["holder"]} for piece in pieces]
            return None if kept == doc["entries"] else {**doc, "entries": kept}

        await change_document(self.blocks, block_key(group, part.digits, block), release)


def held(entry: Entry) -> DidRange:
    # entries were checked when claimed: no need to validate them again on every read
    return DidRange.model_construct(start=entry["start"], end=entry["end"])


def blocks_of(did_range: DidRange) -> range:
    return range(int(did_range.start) // BLOCK, int(did_range.end) // BLOCK + 1)


def clipped(did_range: DidRange, block: int) -> DidRange:
    """The part of the range inside the block."""
    start = max(int(did_range.start), block * BLOCK)
    end = min(int(did_range.end), (block + 1) * BLOCK - 1)
    return DidRange(start=str(start).zfill(did_range.digits), end=str(end).zfill(did_range.digits))


def block_key(group: str, digits: int, block: int) -> str:
    return f"{group}:{digits}:{block}"
