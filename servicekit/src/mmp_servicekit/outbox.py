"""State and the events it causes, written in one single-document update (the transactional outbox).

Each aggregate document holds its state, a version for optimistic concurrency, an `outbox` array of
events not yet published and an `applied` array of the message ids it has already consumed.
"""

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from mmp_contracts import CloudEvent, Message

log = logging.getLogger(__name__)

APPLIED_IDS_KEPT = 256
"""Per aggregate; redeliveries come within a consumer rebalance, far fewer messages back than this."""


@dataclass(frozen=True)
class Cause:
    """Why a write happens: the message being consumed (if any) and the task it belongs to."""

    correlation_id: str
    message_id: str | None = None

    @classmethod
    def of(cls, envelope: CloudEvent) -> "Cause":
        return cls(correlation_id=envelope.correlationid or str(envelope.id), message_id=str(envelope.id))


class Waker(Protocol):
    def wake(self, collection: str, doc_id: str) -> None: ...


class Aggregates:
    """One collection of aggregates with their outbox. The only writer of `outbox` and `applied`."""

    def __init__(self, collection: Any, relay: Waker, source: str) -> None:
        self.collection = collection
        self.relay = relay
        self.source = source

    async def get(self, doc_id: str) -> dict[str, Any] | None:
        doc: dict[str, Any] | None = await self.collection.find_one({"_id": doc_id})
        return doc

    async def insert(self, doc: dict[str, Any], cause: Cause, emit: Sequence[Message] = ()) -> None:
        """Create the aggregate. Raises DuplicateKeyError when its id or a unique field exists."""
        await self.collection.insert_one(
            {**doc, "version": 1, "outbox": self._entries(emit, cause), "applied": self._applied(cause)}
        )
        self._wake(doc["_id"], emit)

    async def update(
        self,
        doc_id: str,
        version: int,
        changes: dict[str, Any],
        cause: Cause,
        emit: Sequence[Message] = (),
        unset: Sequence[str] = (),
    ) -> bool:
        """Apply `changes` if nobody wrote since `version`; False means reload and decide again."""
        push: dict[str, Any] = {"outbox": {"$each": self._entries(emit, cause)}}
        if cause.message_id:
            push["applied"] = {"$each": [cause.message_id], "$slice": -APPLIED_IDS_KEPT}
        update: dict[str, Any] = {"$set": {**changes, "version": version + 1}, "$push": push}
        if unset:
            update["$unset"] = dict.fromkeys(unset, "")
        result = await self.collection.update_one({"_id": doc_id, "version": version}, update)
        if result.modified_count == 1:
            self._wake(doc_id, emit)
            return True
        return False

    async def mutate(self, doc_id: str, cause: Cause, decide: "Decide", attempts: int = 8) -> bool:
        """Load, decide, write; again on a concurrent write. A duplicate message is a no-op.

        `decide` gets the current document and returns the changes and the events to emit (a Decision), or None to
        leave the aggregate alone (an event that arrives late or in a state it does not apply to).
        Returns whether the aggregate exists.
        """
        for _ in range(attempts):
            doc = await self.get(doc_id)
            if doc is None:
                return False
            if already_applied(doc, cause):
                return True
            decision = decide(doc)
            if decision is None:
                return True
            if await self.update(doc_id, doc["version"], decision.changes, cause, decision.emit, decision.unset):
                return True
        raise ConcurrentWrites(f"{self.collection.name}/{doc_id} kept changing under {attempts} attempts")

    def _entries(self, emit: Sequence[Message], cause: Cause) -> list[dict[str, str]]:
        entries = []
        for message in emit:
            envelope = CloudEvent.wrap(
                message, source=self.source, correlationid=cause.correlation_id, causationid=cause.message_id
            )
            entries.append(
                {
                    "id": str(envelope.id),
                    "topic": message.topic,
                    "key": message.partition_key(),
                    "value": envelope.to_json().decode(),
                }
            )
        return entries

    @staticmethod
    def _applied(cause: Cause) -> list[str]:
        return [cause.message_id] if cause.message_id else []

    def _wake(self, doc_id: str, emit: Sequence[Message]) -> None:
        if emit:
            self.relay.wake(self.collection.name, doc_id)


class ConcurrentWrites(RuntimeError):
    pass


@dataclass(frozen=True)
class Decision:
    changes: dict[str, Any]
    emit: Sequence[Message] = ()
    unset: Sequence[str] = ()


Decide = Callable[[dict[str, Any]], Decision | None]


def already_applied(doc: dict[str, Any] | None, cause: Cause) -> bool:
    """The idempotent-consumer guard: this message's effect is already in the document."""
    return doc is not None and cause.message_id is not None and cause.message_id in doc.get("applied", ())
