"""The group-wide index of DID ranges (R12): no number belongs to two customers of a platform group.

Each document holds the ranges (clipped) that fall in one block of numbers of one group and one length,
so a claim reads and writes only the blocks its range touches. Writes are guarded by a version, and a
claim that meets another customer's range gives back the blocks it had already taken.
"""

from typing import Any

from customer_svc.domain.did_ranges import Span
from mmp_servicekit.store import DuplicateKeyError


class DidIndex:
    def __init__(self, blocks: Any) -> None:
        self.blocks = blocks

    async def claim(self, group: str, customer_id: str, span: Span) -> str | None:
        """Takes the numbers for the customer; returns the customer already holding one of them, if any."""
        taken: list[int] = []
        for block in span.blocks():
            holder = await self._claim_block(group, block, customer_id, span.clipped_to(block))
            if holder is not None:
                for done in taken:
                    await self._release_block(group, done, customer_id, span.clipped_to(done))
                return holder
            taken.append(block)
        return None

    async def release(self, group: str, customer_id: str, span: Span) -> None:
        for block in span.blocks():
            await self._release_block(group, block, customer_id, span.clipped_to(block))

    async def _claim_block(self, group: str, block: int, customer_id: str, part: Span) -> str | None:
        key = block_key(group, part.digits, block)
        while True:
            doc = await self.blocks.find_one({"_id": key})
            entries = doc["entries"] if doc else []
            for start, end, holder in entries:
                if holder != customer_id and Span(start, end, part.digits).overlaps(part):
                    return str(holder)
            entry = [part.start, part.end, customer_id]
            if entry in entries:
                return None
            if await self._write(key, doc, [*entries, entry]):
                return None

    async def _release_block(self, group: str, block: int, customer_id: str, part: Span) -> None:
        key = block_key(group, part.digits, block)
        while True:
            doc = await self.blocks.find_one({"_id": key})
            if doc is None:
                return
            kept = []
            for start, end, holder in doc["entries"]:
                span = Span(start, end, part.digits)
                pieces = span.minus(part) if holder == customer_id else [span]
                kept += [[piece.start, piece.end, holder] for piece in pieces]
            if kept == doc["entries"] or await self._write(key, doc, kept):
                return

    async def _write(self, key: str, doc: dict[str, Any] | None, entries: list[list[Any]]) -> bool:
        if doc is None:
            try:
                await self.blocks.insert_one({"_id": key, "version": 1, "entries": entries})
                return True
            except DuplicateKeyError:
                return False
        result = await self.blocks.update_one(
            {"_id": key, "version": doc["version"]}, {"$set": {"entries": entries, "version": doc["version"] + 1}}
        )
        return bool(result.modified_count)


def block_key(group: str, digits: int, block: int) -> str:
    return f"{group}:{digits}:{block}"
