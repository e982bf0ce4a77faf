"""`mmp bench`: N customers through the whole saga, against the bare broker hop measured in the same run."""

import asyncio
import json
import secrets
import statistics
import time
import uuid
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from mmp_contracts import topics
from mmp_devstack.config import StackConfig
from mmp_devstack.scenarios import command, customer

HOP_TOPIC = "bench.hop"


@dataclass
class Figures:
    customers: int
    failed: int
    seconds: float
    latencies: list[float]
    hop_latencies: list[float]

    def report(self) -> str:
        q = statistics.quantiles(self.latencies, n=100, method="inclusive")
        hop = statistics.median(self.hop_latencies)
        p50 = statistics.median(self.latencies)
        return "\n".join(
            [
                f"customers created: {self.customers} ({self.failed} failed) in {self.seconds:.2f} s",
                f"throughput: {self.customers / self.seconds:.1f} customers/s",
                f"create latency (command published -> CustomerActivated): p50 {p50 * 1000:.1f} ms, "
                f"p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms",
                f"bare broker hop (produce -> consume, median of {len(self.hop_latencies)}): {hop * 1000:.2f} ms",
                f"saga p50 / hop p50: {p50 / hop:.1f}x",
            ]
        )


async def partitions_of(bootstrap: str, topic: str) -> list[TopicPartition]:
    """Asked of the broker: a new consumer knows no topic on Kafka (tansu tells it every topic at once)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics([topic])
    finally:
        await admin.close()
    return [TopicPartition(topic, p["partition"]) for t in described for p in t["partitions"]]


async def consumer_at_end(bootstrap: str, topic: str) -> AIOKafkaConsumer:
    partitions = await partitions_of(bootstrap, topic)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, fetch_max_wait_ms=5, enable_auto_commit=False)
    await consumer.start()
    consumer.assign(partitions)
    await consumer.seek_to_end(*partitions)
    for partition in partitions:
        await consumer.position(partition)
    return consumer


async def broker_hop(producer: AIOKafkaProducer, bootstrap: str, samples: int = 200) -> list[float]:
    await producer.send_and_wait(HOP_TOPIC, b"warm-up")
    consumer = await consumer_at_end(bootstrap, HOP_TOPIC)
    latencies = []
    try:
        for _ in range(samples):
            started = time.perf_counter()
            await producer.send_and_wait(HOP_TOPIC, b"ping")
            await consumer.getone()
            latencies.append(time.perf_counter() - started)
    finally:
        await consumer.stop()
    return latencies


async def run(config: StackConfig, count: int, concurrency: int) -> Figures:
    producer = AIOKafkaProducer(bootstrap_servers=config.bootstrap, linger_ms=0)
    await producer.start()
    try:
        hop = await broker_hop(producer, config.bootstrap)
        events = await consumer_at_end(config.bootstrap, topics.CUSTOMER_EVENTS)
        try:
            return await saga(producer, events, count, concurrency, hop)
        finally:
            await events.stop()
    finally:
        await producer.stop()


async def saga(
    producer: AIOKafkaProducer, events: AIOKafkaConsumer, count: int, concurrency: int, hop: list[float]
) -> Figures:
    tag, base = secrets.token_hex(2), 10_000 + secrets.randbelow(80_000_000)
    sent: dict[str, float] = {}
    done: dict[str, float] = {}
    failed = 0
    window = asyncio.Semaphore(concurrency)
    finished = asyncio.Event()

    async def send(index: int) -> None:
        data = customer(base + index, f"b{tag}-")
        await window.acquire()
        sent[data["details"]["webid"]] = time.perf_counter()
        body = json.dumps(command(data) | {"id": str(uuid.uuid4())}).encode()
        await producer.send_and_wait(topics.CUSTOMER_COMMANDS, body, key=data["details"]["webid"].encode())

    async def collect() -> None:
        nonlocal failed
        while len(done) < count:
            record = await events.getone()
            event = json.loads(record.value)
            webid = event["data"].get("webid")
            if (
                webid in sent
                and webid not in done
                and event["type"]
                in ("CustomerActivated", "CustomerFailed", "CustomerRejected", "CustomerRollbackFailed")
            ):
                done[webid] = time.perf_counter()
                failed += event["type"] != "CustomerActivated"
                window.release()
        finished.set()

    collector = asyncio.create_task(collect())
    started = time.perf_counter()
    await asyncio.gather(*(send(i) for i in range(count)))
    await asyncio.wait_for(finished.wait(), timeout=120 + count)
    await collector
    latencies = [done[w] - sent[w] for w in done]
    return Figures(count, failed, max(done.values()) - started, latencies, hop)
