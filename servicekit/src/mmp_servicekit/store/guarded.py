"""The one read-decide-write loop: every change to a stored document goes through it."""

from collections.abc import Callable

from mmp_servicekit.store.port import Collection, Document

ATTEMPTS = 16


class ConcurrentWrites(RuntimeError):
    """Others kept writing the document: the caller's message is retried, then dead-lettered."""


async def change_document(
    collection: Collection, doc_id: str, change: Callable[[Document], Document | None]
) -> Document | None:
    """Reads the document, asks `change` for its next version (None: leave it alone), and writes that over
    the version it read, again from a fresh read whenever someone else wrote in between.
    Returns what was written; None if the document is missing or `change` declined."""
    for _ in range(ATTEMPTS):
        doc = await collection.get(doc_id)
        if doc is None:
            return None
        changed = change(doc)
        if changed is None:
            return None
        written = {**changed, "_id": doc_id, "version": doc["version"] + 1}
        if await collection.replace(written, version=doc["version"]):
            return written
    raise ConcurrentWrites(f"{collection.name}/{doc_id} changed under {ATTEMPTS} attempts in a row")
