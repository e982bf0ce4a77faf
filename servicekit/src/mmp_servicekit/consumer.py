"""Typed routing of incoming CloudEvents to handlers, with bounded retries and a dead-letter topic.

A business rejection is not an error: handlers turn it into a `...Failed` event. What raises here is
a fault (a poison message, a database or broker glitch); it is retried with backoff, well inside the
consumer's poll interval, then parked on `<topic>.dlq` with the error and counted. A poison message never
blocks its partition: whatever its content or size, it is parked at once and the next one is read.
"""

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Protocol, TypeVar

import orjson
from opentelemetry.trace import SpanKind
from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt, wait_chain, wait_fixed

from mmp_contracts import CloudEvent, Message, topics
from mmp_contracts.envelope import BINARY_MODE_MARK
from mmp_servicekit.dead_letters import park
from mmp_servicekit.logs import correlation_id
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.tracing import continued

log = logging.getLogger(__name__)

M = TypeVar("M", bound=Message)
Handler = Callable[[M, CloudEvent], Awaitable[None]]
Headers = Sequence[tuple[str, bytes]]
BACKOFF_SECONDS: Sequence[float] = (0.05, 0.2, 0.5, 1.0, 2.0)
COMMAND_TOPICS = frozenset({topics.CUSTOMER_COMMANDS})
"""Topics whose every message is meant for one reader: a type it does not know is an error, not noise."""


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

    async def deliver(self, body: bytes, topic: str, key: bytes | None = None, headers: Headers = ()) -> None:
        type_name = _peek_type(body, headers)
        if type_name is None:
            await self._park(
                body, topic, key, headers, "not a CloudEvent: no type attribute in a JSON object or ce_type"
            )
            return
        handler = self.handlers.get(type_name)
        if handler is None:
            if topic in COMMAND_TOPICS:
                await self._park(body, topic, key, headers, f"type: unknown command type {type_name[:100]!r}")
            return  # another reader's message on a shared event topic
        try:
            envelope = CloudEvent.from_kafka(body, headers)
        except Exception as error:  # whatever the input, a message that does not parse is parked, not retried
            await self._park(body, topic, key, headers, f"invalid message: {error}")
            return
        token = correlation_id.set(envelope.correlationid)
        carrier = {"traceparent": envelope.traceparent} if envelope.traceparent else {}
        carrier |= {name: value.decode(errors="replace") for name, value in headers if name == "traceparent"}
        try:
            with continued(f"process {envelope.type}", SpanKind.CONSUMER, carrier, **{"messaging.destination": topic}):
                await self._with_retries(handler, envelope, body, topic, key, headers)
        finally:
            correlation_id.reset(token)

    async def _with_retries(
        self, handler: Handler[Any], envelope: CloudEvent, body: bytes, topic: str, key: bytes | None, headers: Headers
    ) -> None:
        def retrying(state: RetryCallState) -> None:
            error = state.outcome.exception() if state.outcome else None
            log.warning("retrying %s %s after %r", envelope.type, envelope.id, error)

        try:
            async for attempt in AsyncRetrying(
                stop=stop_after_attempt(len(self.backoff) + 1),
                wait=wait_chain(*(wait_fixed(pause) for pause in self.backoff)) if self.backoff else wait_fixed(0),
                before_sleep=retrying,
                reraise=True,
            ):
                with attempt:
                    await handler(envelope.data, envelope)
        except Exception as error:
            log.exception("giving up on %s %s after %d attempts", envelope.type, envelope.id, len(self.backoff) + 1)
            await self._park(body, topic, key, headers, repr(error))
            return
        self.metrics.handled.labels(envelope.type).inc()

    async def _park(self, body: bytes, topic: str, key: bytes | None, headers: Headers, error: str) -> None:
        # If this publish fails the exception propagates, the offset is not committed, Kafka redelivers.
        await park(self.publisher, self.metrics, body, topic, key, error, headers)


def _peek_type(body: bytes, headers: Headers) -> str | None:
    for name, value in headers:
        if name.lower() == "ce_type":
            return value.decode(errors="replace")
    if any(name.lower() == BINARY_MODE_MARK for name, _ in headers):
        return None
    try:
        raw = orjson.loads(body)  # refuses nesting deeper than 1,024 levels, where json.loads would recurse
    except orjson.JSONDecodeError:
        return None
    return raw["type"] if isinstance(raw, dict) and isinstance(raw.get("type"), str) else None
