"""The transactional outbox: an aggregate's events are stored in its own document, in the same write as
the state they come from, and published afterwards by the relay. Nothing is published any other way.

A stored aggregate document carries, besides its state:
- `version`: the guard of every write;
- `outbox`: the events not yet published, in order;
- `pending`: whether `outbox` holds anything (indexed: what the relay's sweep looks up);
- `applied`: the ids of the last messages applied to it (the idempotent-consumer guard);
- `relay`: which relay publishes the outbox, until when (a lease): the one of the process that wrote the events,
  so two replicas never publish one aggregate's events, and never out of order; another takes over only once
  the lease has run out (its writer died).
"""

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mmp_contracts import CloudEvent, Message
from mmp_servicekit.store import Document
from mmp_servicekit.tracing import current_traceparent

APPLIED_IDS_KEPT = 256
"""Per aggregate; redeliveries come within a consumer rebalance, far fewer messages back than this."""
RESERVED = ("version", "outbox", "pending", "applied", "relay")
LEASE_SECONDS = 30.0
"""How long the writer's relay alone may publish what it wrote; far longer than a publish takes."""


@dataclass(frozen=True)
class Cause:
    """Why a write happens: the message being consumed (if any) and the task it belongs to."""

    correlation_id: str
    message_id: str | None = None
    source: str | None = None
    """Of the message; a message is one `source` + `id` (CloudEvents), so two sources may reuse an id."""

    @classmethod
    def of(cls, envelope: CloudEvent) -> "Cause":
        return cls(correlation_id=envelope.correlationid or envelope.id, message_id=envelope.id, source=envelope.source)

    @property
    def applied_key(self) -> str | None:
        """What the idempotent-consumer guard records of the message."""
        if self.message_id is None or self.source is None:
            return self.message_id
        return f"{self.source} {self.message_id}"


def entries(events: Sequence[Message], cause: Cause, source: str) -> list[dict[str, Any]]:
    """The events as they will go on the wire, each a CloudEvent caused by `cause`."""
    made = []
    traceparent = current_traceparent()
    headers = {"correlationid": cause.correlation_id} | ({"traceparent": traceparent} if traceparent else {})
    for message in events:
        envelope = CloudEvent.wrap(
            message,
            source=source,
            correlationid=cause.correlation_id,
            causationid=cause.message_id,
            traceparent=traceparent,
        )
        made.append(
            {
                "id": str(envelope.id),
                "topic": message.topic,
                "key": message.partition_key(),
                "value": envelope.to_json().decode(),
                "at": time.time(),
                "headers": headers,
            }
        )
    return made


def already_applied(doc: Document, cause: Cause) -> bool:
    """The idempotent-consumer guard: this message's effect is already in the document."""
    return cause.applied_key is not None and cause.applied_key in doc.get("applied", ())


def with_outbox(
    state: Document, previous: Document | None, new: list[dict[str, Any]], cause: Cause, relay: str
) -> Document:
    """The aggregate's new state plus its bookkeeping: earlier unpublished events, then the new ones, leased to
    the writer's `relay`."""
    clash = [name for name in RESERVED if name in state]
    if clash:
        raise ValueError(f"an aggregate's state may not use the names {clash}")
    outbox: list[Any] = [*(previous or {}).get("outbox", ()), *new]
    applied = list((previous or {}).get("applied", ()))
    if cause.applied_key:
        applied = [*applied, cause.applied_key][-APPLIED_IDS_KEPT:]
    lease = (previous or {}).get("relay")
    if new:
        lease = lease_for(relay)
    return {**state, "outbox": outbox, "pending": bool(outbox), "applied": applied, "relay": lease if outbox else None}


def lease_for(relay: str) -> dict[str, Any]:
    return {"owner": relay, "until": time.time() + LEASE_SECONDS}


def leased_to_another(doc: Document, relay: str) -> bool:
    lease = doc.get("relay")
    return lease is not None and lease["owner"] != relay and lease["until"] > time.time()
