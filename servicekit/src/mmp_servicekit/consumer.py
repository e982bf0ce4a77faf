"""Typed routing of incoming CloudEvents to handlers, with bounded retries and a dead-letter topic.

A business rejection is not an error: handlers turn it into a `...Failed` event. What raises here is
a fault (a poison message, a database or broker glitch); it is retried with backoff, well inside the
consumer's poll interval, then parked on `<topic>.dlq` with the error and counted.
"""

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

from mmp_contracts import CloudEvent, Message
from mmp_contracts.topics import dead_letter
from mmp_servicekit.logs import correlation_id
from mmp_servicekit.metrics import ServiceMetrics

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)
Handler = Callable[[M, CloudEvent], Awaitable[None]]
BACKOFF_SECONDS: Sequence[float] = (0.05, 0.2, 0.5, 1.0, 2.0)


class Publisher(Protocol):
    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None: ...


class EventRouter:
    def __init__(
        self, publisher: Publisher, metrics: ServiceMetrics, backoff: Sequence[float] = BACKOFF_SECONDS
    ) -> None:
        self.publisher = publisher
        self.metrics = metrics
        self.backoff = backoff
        self.handlers: dict[str, Handler[Any]] = {}

    def on(self, message_type: type[M], handler: Handler[M]) -> None:
        self.handlers[message_type.type_name()] = handler

    async def deliver(self, body: bytes, topic: str, key: bytes | None = None) -> None:
        type_name = _peek_type(body)
        if type_name is None:
            await self._park(body, topic, key, "not a CloudEvents JSON object with a type")
            return
        handler = self.handlers.get(type_name)
        if handler is None:
            return  # another reader's message on a shared topic
        try:
            envelope = CloudEvent.model_validate_json(body)
        except Exception as error:  # whatever the input, a message that does not parse is parked, not retried
            await self._park(body, topic, key, f"invalid message: {error}")
            return
        token = correlation_id.set(envelope.correlationid)
        try:
            await self._with_retries(handler, envelope, body, topic, key)
        finally:
            correlation_id.reset(token)

    async def _with_retries(
        self, handler: Handler[Any], envelope: CloudEvent, body: bytes, topic: str, key: bytes | None
    ) -> None:
        for attempt, pause in enumerate([*self.backoff, None]):
            try:
                await handler(envelope.data, envelope)
                self.metrics.handled.labels(envelope.type).inc()
                return
            except Exception as error:
                if pause is None:
                    log.exception("giving up on %s %s after %d attempts", envelope.type, envelope.id, attempt + 1)
                    await self._park(body, topic, key, repr(error))
                    return
                log.warning("retrying %s %s after %r", envelope.type, envelope.id, error)
                await asyncio.sleep(pause)

    async def _park(self, body: bytes, topic: str, key: bytes | None, error: str) -> None:
        # If this publish fails the exception propagates, the offset is not committed, Kafka redelivers.
        await self.publisher.publish(body, dead_letter(topic), key or b"", {"x-error": error[:2000]})
        self.metrics.dead_letters.labels(topic).inc()
        log.error("parked a message on %s: %s", dead_letter(topic), error[:500])


def _peek_type(body: bytes) -> str | None:
    try:
        raw = json.loads(body)
    except ValueError:
        return None
    return raw["type"] if isinstance(raw, dict) and isinstance(raw.get("type"), str) else None
