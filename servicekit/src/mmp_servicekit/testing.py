"""Test support shared by the services' component tests (never imported by production code)."""

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage

from mmp_contracts import CloudEvent, Message

M = TypeVar("M", bound=Message)


class EventCapture:
    """Records every CloudEvent published on the given topics of a (test) broker."""

    def __init__(self, broker: KafkaBroker, *topics: str) -> None:
        self.events: list[CloudEvent] = []
        for topic in topics:

            @broker.subscriber(topic, group_id=f"capture-{topic}")
            async def record(message: KafkaMessage) -> None:
                self.events.append(CloudEvent.model_validate_json(message.body))

    def of(self, message_type: type[M]) -> list[M]:
        return [e.data for e in self.events if isinstance(e.data, message_type)]

    async def wait_for(self, message_type: type[M], timeout: float = 5.0) -> M:
        found = await wait_until(lambda: self.of(message_type), timeout, f"no {message_type.__name__}")
        return found[0]


T = TypeVar("T")


async def wait_until(probe: Callable[[], T], timeout: float = 5.0, what: str = "condition") -> T:
    """Poll a condition with a deadline: tests wait on facts, never on fixed sleeps."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


def envelope(message: Message, correlation_id: str = "task-1") -> CloudEvent:
    return CloudEvent.wrap(message, source="tests", correlationid=correlation_id)
