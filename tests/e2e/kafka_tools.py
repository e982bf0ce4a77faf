"""Plain Kafka clients for the e2e tests: what a BSS or an operator would use, not our code."""

import asyncio
import json
import time
from typing import Any

import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from confluent_kafka import Producer
from prometheus_client.parser import text_string_to_metric_families


def produce_raw(
    bootstrap: str, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]] | None = None
) -> None:
    """librdkafka, as a BSS would publish: raw JSON bytes, none of our models."""
    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": False})
    producer.produce(topic, key=key, value=value, headers=headers or [])
    assert producer.flush(10) == 0, "the broker did not take the message"


async def partitions_of(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    """Asked of the broker: a consumer knows only what its first metadata request returned, which on Kafka (unlike
    tansu) is no topic at all."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]


async def read_all(bootstrap: str, topics: list[str]) -> list[tuple[str, bytes | None, bytes]]:
    """Every record now on these topics, from the beginning, with its topic and key."""
    partitions = await partitions_of(bootstrap, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=5)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[tuple[str, bytes | None, bytes]] = []
        while [p for p in partitions if await consumer.position(p) < ends[p]]:
            batch = await consumer.getmany(*partitions, timeout_ms=200)
            records += [(r.topic, r.key, r.value) for rs in batch.values() for r in rs if r.value is not None]
        return records
    finally:
        await consumer.stop()


def of_task(records: list[tuple[str, bytes | None, bytes]], task_id: str) -> list[dict[str, Any]]:
    found = []
    for _, _, value in records:
        try:
            event = json.loads(value)
        except ValueError:
            continue
        if isinstance(event, dict) and event.get("correlationid") == task_id:
            found.append(event)
    return found


SUBSCRIPTIONS = {
    "customer-svc": {"customer.commands", "platform.events", "micollab.events", "notify.events"},
    "platform-svc": {"customer.events", "micollab.events"},
    "micollab-svc": {"platform.events", "customer.events"},
    "notify-svc": {"customer.events"},
}


async def processed(http: httpx.AsyncClient, service_url: str) -> float:
    """Messages a service's consumer has finished with, from its own Prometheus metrics."""
    text = (await http.get(f"{service_url}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "faststream_received_processed_messages"
        for sample in family.samples
        if sample.name.endswith("_total")
    )


async def wait_until_consumed(
    http: httpx.AsyncClient,
    services: dict[str, str],
    before: dict[str, float],
    sent: dict[str, int],
    seconds: float = 30,
) -> None:
    """Each service has finished with every message sent on the topics it reads."""
    expected = {name: before[name] + sum(sent.get(t, 0) for t in SUBSCRIPTIONS[name]) for name in services}
    deadline = time.monotonic() + seconds
    while True:
        now = {name: await processed(http, url) for name, url in services.items()}
        if all(now[name] >= expected[name] for name in services):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"consumers still behind: processed {now}, expected {expected}")
        await asyncio.sleep(0.05)
