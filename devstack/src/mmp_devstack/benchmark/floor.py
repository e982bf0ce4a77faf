"""The floor a saga cannot beat on this machine: its Kafka hops and its platform calls, each timed bare against
the same broker and simulators, with nothing of ours in between."""

import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from mmp_devstack.benchmark.saga import partitions_of
from mmp_devstack.config import StackConfig

HOP_TOPIC = "bench.hop"
HOPS_TO_ACTIVE = 4
"""CreateCustomer -> CustomerRequested -> PlatformAssigned -> MiCollabTenantProvisioned -> (ACTIVE)."""
SIMULATOR_OF = {"MiVB": "mivb", "MBG": "mbg", "MiCollab": "micollab"}
"""The platforms a create calls (the Platform Manager is not one of them)."""


@dataclass(frozen=True)
class Floor:
    hop_seconds: float
    calls_per_customer: dict[str, float]
    call_seconds: dict[str, float]

    @property
    def seconds(self) -> float:
        platform = sum(count * self.call_seconds[name] for name, count in self.calls_per_customer.items())
        return HOPS_TO_ACTIVE * self.hop_seconds + platform


async def bare_hop(bootstrap: str, samples: int = 200) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=0, acks="all")
    await producer.start()
    try:
        await producer.send_and_wait(HOP_TOPIC, b"warm-up")
        partitions = await partitions_of(bootstrap, [HOP_TOPIC])
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, fetch_max_wait_ms=500)
        await consumer.start()
        try:
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            for partition in partitions:
                await consumer.position(partition)
            took = []
            for _ in range(samples):
                started = time.perf_counter()
                await producer.send_and_wait(HOP_TOPIC, b"ping")
                await consumer.getone()
                took.append(time.perf_counter() - started)
        finally:
            await consumer.stop()
    finally:
        await producer.stop()
    return statistics.median(took)


async def bare_calls(config: StackConfig, platforms: Iterable[str], samples: int = 200) -> dict[str, float]:
    """A round trip to each simulator with a plain keep-alive client: what a platform call costs at least."""
    medians = {}
    async with httpx.AsyncClient(timeout=5) as http:
        for platform in platforms:
            key = SIMULATOR_OF[platform]
            url = f"{config.simulator_urls[key]}/api/system"
            await http.get(url)
            took = []
            for _ in range(samples):
                started = time.perf_counter()
                (await http.get(url)).raise_for_status()
                took.append(time.perf_counter() - started)
            medians[platform] = statistics.median(took)
    return medians


async def platform_calls(config: StackConfig) -> dict[str, float]:
    """How many calls each platform has answered, from the services' own `mmp_platform_call_seconds`."""
    counts: dict[str, float] = {}
    async with httpx.AsyncClient(timeout=5) as http:
        for url in config.service_urls.values():
            text = (await http.get(f"{url}/metrics")).text
            for family in text_string_to_metric_families(text):
                if family.name != "mmp_platform_call_seconds":
                    continue
                for sample in family.samples:
                    if sample.name.endswith("_count"):
                        platform = sample.labels["platform"]
                        counts[platform] = counts.get(platform, 0.0) + sample.value
    return counts
