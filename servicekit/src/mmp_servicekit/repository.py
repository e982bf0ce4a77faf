"""The one way a service persists an aggregate: `get`, `create`, and `change` through a transition.

A transition is the aggregate's own behaviour: given the aggregate as stored, it changes it and returns the
events to publish, or None when the message does not apply to it as it stands. The repository writes the new
state and those events in one guarded write, again from a fresh read if someone wrote in between, and
records the causing message so a redelivery is acknowledged without a second effect.
"""

import enum
from collections.abc import Callable, Sequence
from typing import Generic, Protocol, TypeVar

from mmp_contracts import Message
from mmp_servicekit.outbox import Cause, already_applied, entries, with_outbox
from mmp_servicekit.store import Collection, Document, DuplicateKey, Index
from mmp_servicekit.store.guarded import change_document

A = TypeVar("A")


class Mapper(Protocol[A]):
    """How one kind of aggregate is stored: a JSON document with `_id`, and the indexes its lookups need."""

    indexes: Sequence[Index]

    def to_document(self, aggregate: A) -> Document: ...

    def from_document(self, doc: Document) -> A: ...


class Waker(Protocol):
    instance: str
    """The relay's name in the leases of what it is to publish."""

    def wake(self, collection: str, doc_id: str) -> None: ...


Transition = Callable[[A], Sequence[Message] | None]


class Outcome(enum.Enum):
    CHANGED = "changed"
    DECLINED = "declined"
    """The transition did not apply to the aggregate as it stands: nothing was written."""
    ALREADY_APPLIED = "already applied"
    MISSING = "missing"

    @property
    def found(self) -> bool:
        return self is not Outcome.MISSING


class Repository(Generic[A]):
    def __init__(self, collection: Collection, mapper: Mapper[A], relay: Waker, source: str) -> None:
        self.collection = collection
        self.mapper = mapper
        self.relay = relay
        self.source = source

    async def get(self, aggregate_id: str) -> A | None:
        doc = await self.collection.get(aggregate_id)
        return None if doc is None else self.mapper.from_document(doc)

    async def applied(self, aggregate_id: str, cause: Cause) -> bool:
        """Whether this message's effect is already in the aggregate (a redelivery): a handler that calls
        platforms first asks, so a redelivered message makes no second call."""
        doc = await self.collection.get(aggregate_id)
        return doc is not None and already_applied(doc, cause)

    async def find(self, **where: str | int | bool | None) -> list[A]:
        return [self.mapper.from_document(doc) for doc in await self.collection.find(where)]

    async def create(self, aggregate: A, cause: Cause, events: Sequence[Message] = ()) -> bool:
        """Stores a new aggregate and its events. False when one with its id exists (a redelivery, or a
        concurrent delivery that got there first); DuplicateKey when another holds one of its unique values."""
        state = self.mapper.to_document(aggregate)
        written = with_outbox(state, None, entries(events, cause, self.source), cause, self.relay.instance)
        doc = {**written, "version": 1}
        try:
            await self.collection.insert(doc)
        except DuplicateKey as duplicate:
            if duplicate.field == "_id":
                return False
            raise
        self._wake(doc)
        return True

    async def change(self, aggregate_id: str, cause: Cause, transition: Transition[A]) -> Outcome:
        outcome = Outcome.MISSING

        def decide(doc: Document) -> Document | None:
            nonlocal outcome
            if already_applied(doc, cause):
                outcome = Outcome.ALREADY_APPLIED
                return None
            aggregate = self.mapper.from_document(doc)
            events = transition(aggregate)
            if events is None:
                outcome = Outcome.DECLINED
                return None
            outcome = Outcome.CHANGED
            new = entries(events, cause, self.source)
            return with_outbox(self.mapper.to_document(aggregate), doc, new, cause, self.relay.instance)

        written = await change_document(self.collection, aggregate_id, decide)
        if written is not None:
            self._wake(written)
        return outcome

    def _wake(self, doc: Document) -> None:
        if doc["pending"]:
            self.relay.wake(self.collection.name, doc["_id"])
