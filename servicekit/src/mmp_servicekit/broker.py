"""The Kafka broker of a service: low-latency fetches, commits only after the handler's write."""

from collections.abc import Sequence
from typing import Any

from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.prometheus import KafkaPrometheusMiddleware

from mmp_servicekit.consumer import EventRouter
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.settings import ServiceSettings, kafka_security


def make_broker(settings: ServiceSettings, service: str, metrics: ServiceMetrics) -> KafkaBroker:
    return KafkaBroker(
        settings.kafka_bootstrap,
        client_id=service,
        security=kafka_security(settings).faststream(),
        enable_idempotence=settings.kafka_idempotence,
        acks="all",
        linger_ms=0,
        middlewares=[KafkaPrometheusMiddleware(registry=metrics.registry, app_name=service)],
        graceful_timeout=10.0,
        logger=None,
    )


class BrokerPublisher:
    """What the outbox relay and the dead-letter path publish through."""

    def __init__(self, broker: KafkaBroker) -> None:
        self.broker = broker

    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        await self.broker.publish(
            value,
            topic,
            key=key,
            headers={"content-type": "application/cloudevents+json", **(headers or {})},
        )


def subscribe(
    broker: KafkaBroker, topics: str | Sequence[str], group_id: str, router: EventRouter, settings: ServiceSettings
) -> None:
    """One consumer-group member per service, reading all its topics, feeding a router.

    One member rather than one per topic: every member joining a group makes the whole group rebalance.
    NACK_ON_ERROR: the offset is committed only once the handler (and so its write) succeeded; an
    exception that escapes the router's retries and dead-letter path leaves the message to be redelivered.
    FastStream's Kafka default, ACK_FIRST, would be at-most-once.
    """
    names = [topics] if isinstance(topics, str) else list(topics)
    options: dict[str, Any] = {
        "group_id": group_id,
        "ack_policy": AckPolicy.NACK_ON_ERROR,
        "auto_offset_reset": "earliest",
        "fetch_max_wait_ms": settings.kafka_fetch_max_wait_ms,
        "title": f"{group_id}:{','.join(names)}",
    }

    @broker.subscriber(*names, **options)
    async def consume(message: KafkaMessage) -> None:
        record = message.raw_message
        await router.deliver(message.body, record.topic, record.key, record.headers or ())  # type: ignore[union-attr]
