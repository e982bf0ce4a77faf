"""Parking a message on its topic's dead-letter topic: the one way the consumer and the relay do it."""

import logging
from typing import Protocol

from mmp_contracts.topics import dead_letter
from mmp_servicekit.metrics import ServiceMetrics

log = logging.getLogger(__name__)

PARKED_BYTES_MAX = 900_000
"""A dead letter keeps at most this much of the message, so parking can never fail on Kafka's size limit."""


class Publisher(Protocol):
    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None: ...


async def park(
    publisher: Publisher, metrics: ServiceMetrics, body: bytes, topic: str, key: bytes | None, reason: str
) -> None:
    """Raises if the broker does not take it: the caller then leaves the message to be tried again."""
    headers = {"x-error": reason[:2000]}
    if len(body) > PARKED_BYTES_MAX:
        headers["x-truncated-from"] = str(len(body))
        body = body[:PARKED_BYTES_MAX]
    await publisher.publish(body, dead_letter(topic), key or b"", headers)
    metrics.dead_letters.labels(topic).inc()
    log.error("parked a message on %s: %s", dead_letter(topic), reason[:500])
