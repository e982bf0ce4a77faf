"""`mmp bulk`: a BSS migrating its customer base: N CreateCustomer published at once, followed live (counts by
state, rate, ETA) until every one has ended, then checked: all ACTIVE, nothing failed, nothing dead-lettered."""

import asyncio
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass

import httpx
from aiokafka import AIOKafkaProducer
from prometheus_client.parser import text_string_to_metric_families

from mmp_devstack.benchmark.saga import Sender, Tracker
from mmp_devstack.config import StackConfig

STATES = {
    "CustomerRequested": "provisioning",
    "PlatformAssigned": "provisioning",
    "MiCollabTenantProvisioned": "provisioning",
    "CustomerActivated": "active",
    "CustomerFailed": "failed",
    "CustomerRejected": "rejected",
    "CustomerRollbackFailed": "rollback failed",
}


@dataclass(frozen=True)
class Outcome:
    customers: int
    states: Counter[str]
    seconds: float
    dead_letters: float

    @property
    def clean(self) -> bool:
        return self.states["active"] == self.customers and self.dead_letters == 0


async def run(config: StackConfig, count: int, show: bool = True) -> Outcome:
    parked_before = await dead_letters(config)
    producer = AIOKafkaProducer(bootstrap_servers=config.bootstrap, linger_ms=5, acks="all")
    await producer.start()
    tracker = Tracker(config.bootstrap)
    await tracker.start()
    tracker.expected = count
    sender = Sender(producer, tracker, f"m{secrets.token_hex(2)}-", 10_000 + secrets.randbelow(80_000_000))
    started = time.time()
    try:
        publishing = asyncio.gather(*(sender.send() for _ in range(count)))
        while not tracker.ended.is_set():
            await asyncio.wait([asyncio.ensure_future(tracker.ended.wait())], timeout=1.0)
            if show:
                progress(tracker, count, started)
        await publishing
    finally:
        await tracker.stop()
        await producer.stop()
    if show:
        print(file=sys.stderr)
    states = Counter(state_of(journey.times, journey.outcome) for journey in tracker.by_webid.values())
    ended = max((j.times[j.outcome] for j in tracker.finished() if j.outcome), default=time.time())
    return Outcome(count, states, ended - started, await dead_letters(config) - parked_before)


def state_of(times: dict[str, float], outcome: str | None) -> str:
    if outcome is not None:
        return STATES[outcome]
    seen = [STATES[kind] for kind in STATES if kind in times]
    return seen[-1] if seen else "sent"


def progress(tracker: Tracker, count: int, started: float) -> None:
    states = Counter(state_of(j.times, j.outcome) for j in tracker.by_webid.values())
    now = time.time()
    recent = [j for j in tracker.finished() if j.outcome and now - j.times[j.outcome] < 5.0]
    rate = len(recent) / min(5.0, max(now - started, 0.001))
    left = count - len(tracker.finished())
    eta = f"{left / rate:5.0f} s" if rate else "    ?"
    counts = "  ".join(f"{name} {states[name]:>6}" for name in ("sent", "provisioning", "active", "failed", "rejected"))
    print(f"\r{counts}   {rate:6.1f}/s   ETA {eta}", end="", file=sys.stderr, flush=True)


async def dead_letters(config: StackConfig) -> float:
    """Every message parked by any service so far, from their own counters."""
    total = 0.0
    async with httpx.AsyncClient(timeout=5) as http:
        for url in config.service_urls.values():
            text = (await http.get(f"{url}/metrics")).text
            total += sum(
                sample.value
                for family in text_string_to_metric_families(text)
                if family.name == "mmp_dead_letters"
                for sample in family.samples
                if sample.name.endswith("_total")
            )
    return total


def report(outcome: Outcome) -> str:
    states = ", ".join(f"{name} {value}" for name, value in sorted(outcome.states.items()))
    verdict = "every one ACTIVE, nothing dead-lettered" if outcome.clean else "NOT CLEAN"
    return (
        f"{outcome.customers} CreateCustomer published at once: {states}; {outcome.dead_letters:.0f} dead letters; "
        f"all ended in {outcome.seconds:.0f} s ({outcome.customers / outcome.seconds:.1f} customers/s): {verdict}"
    )
