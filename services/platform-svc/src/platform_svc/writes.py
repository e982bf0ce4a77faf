"""How the assignment handlers write: a state change and its events in one update (the outbox)."""

from collections.abc import Sequence
from typing import Any

from mmp_contracts import Message
from mmp_servicekit.outbox import Cause, ConcurrentWrites
from platform_svc.domain.assignment import State, state_fields
from platform_svc.store import PlatformStore


class AssignmentWriter:
    def __init__(self, store: PlatformStore) -> None:
        self.store = store

    async def update(self, doc: dict[str, Any], changes: dict[str, Any], cause: Cause, emit: Sequence[Message]) -> None:
        if not await self.store.assignments.update(doc["_id"], doc["version"], changes, cause, emit):
            # The router retries the message: it reloads and decides again; the platform calls are idempotent.
            raise ConcurrentWrites(f"assignment {doc['_id']} changed while a message was handled")

    async def answer(
        self,
        customer_id: str,
        task_id: str,
        doc: dict[str, Any] | None,
        changes: dict[str, Any],
        cause: Cause,
        emit: Sequence[Message],
    ) -> None:
        """Writes to the customer's assignment; for a customer that has none, a document holding nothing
        (RELEASED) is created to carry the answer's outbox."""
        if doc is not None:
            await self.update(doc, changes, cause, emit)
            return
        base = {"_id": customer_id, "platform_group_id": None, "task_id": task_id, **state_fields(State.RELEASED, [])}
        await self.store.assignments.insert({**base, **changes}, cause, emit)
