"""One bench run: a closed-loop throughput run, a one-at-a-time latency run against the floor, and an open-loop
sweep of offered rates; CPU and memory of every process from the operating system."""

import asyncio
import secrets
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass

from aiokafka import AIOKafkaProducer

from mmp_devstack.benchmark import floor as floors
from mmp_devstack.benchmark import processes
from mmp_devstack.benchmark.saga import DONE, STEPS, Journey, Sender, Tracker
from mmp_devstack.config import StackConfig


@dataclass(frozen=True)
class Throughput:
    customers: int
    failed: int
    seconds: float
    steps: dict[str, list[float]]
    """Per step and end to end (`create`: command to ACTIVE), every customer's duration."""
    cpu_ms_per_customer: dict[str, float]
    rss_mib: dict[str, float]

    @property
    def rate(self) -> float:
        return self.customers / self.seconds


@dataclass(frozen=True)
class Latency:
    p50: float
    floor: floors.Floor


@dataclass(frozen=True)
class SweepPoint:
    offered: float
    achieved: float
    p99: float


class Bench:
    def __init__(self, config: StackConfig) -> None:
        self.config = config
        self.tag = secrets.token_hex(2)
        self.next = 10_000 + secrets.randbelow(80_000_000)

    async def __aenter__(self) -> "Bench":
        self.producer = AIOKafkaProducer(bootstrap_servers=self.config.bootstrap, linger_ms=0, acks="all")
        await self.producer.start()
        self.processes = processes.pids(self.config)
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.producer.stop()

    async def throughput(self, count: int, concurrency: int) -> Throughput:
        tracker, sender = await self._tracking()
        window = asyncio.Semaphore(concurrency)
        tracker.expected = count
        before, started = processes.usage(self.processes), time.time()
        try:

            async def one() -> None:
                async with window:
                    webid = await sender.send()
                    await tracker.by_webid[webid].over.wait()

            await asyncio.wait_for(asyncio.gather(*(one() for _ in range(count))), timeout=120 + count)
            after = processes.usage(self.processes)
        finally:
            await tracker.stop()
        journeys = tracker.finished()
        ended = max(j.times[j.outcome] for j in journeys if j.outcome)
        used = after.cpu_since(before)
        return Throughput(
            customers=count,
            failed=sum(j.outcome != DONE for j in journeys),
            seconds=ended - started,
            steps=_step_durations(journeys),
            cpu_ms_per_customer={name: seconds * 1000 / count for name, seconds in used.items()},
            rss_mib=after.rss_mib,
        )

    async def latency(self, samples: int) -> Latency:
        tracker, sender = await self._tracking()
        calls_before = await floors.platform_calls(self.config)
        try:
            for _ in range(samples):
                tracker.expected += 1
                tracker.ended.clear()
                await sender.send()
                await asyncio.wait_for(tracker.ended.wait(), timeout=60)
        finally:
            await tracker.stop()
        calls_after = await floors.platform_calls(self.config)
        per_customer = {
            name: (calls_after[name] - calls_before.get(name, 0.0)) / samples
            for name in calls_after
            if name in floors.SIMULATOR_OF and calls_after[name] > calls_before.get(name, 0.0)
        }
        floor = floors.Floor(
            hop_seconds=await floors.bare_hop(self.config.bootstrap),
            calls_per_customer=per_customer,
            call_seconds=await floors.bare_calls(self.config, per_customer),
        )
        return Latency(p50=statistics.median(_step_durations(tracker.finished())["create"]), floor=floor)

    async def sweep(self, rates: Sequence[float], seconds: float) -> list[SweepPoint]:
        """Open loop: customers sent at the offered rate whatever the system does, as a BSS would."""
        points = []
        for rate in rates:
            tracker, sender = await self._tracking()
            count = max(1, int(rate * seconds))
            tracker.expected = count
            started, sending = time.time(), []
            try:
                for index in range(count):
                    await asyncio.sleep(max(0.0, started + index / rate - time.time()))
                    sending.append(asyncio.create_task(sender.send()))
                await asyncio.gather(*sending)
                await asyncio.wait_for(tracker.ended.wait(), timeout=120 + seconds * 4)
            except TimeoutError:
                pass  # an overloaded system: what finished is what it achieved
            finally:
                await tracker.stop()
            journeys = tracker.finished()
            durations = _step_durations(journeys)["create"] or [float("inf")]
            ended = max((j.times[j.outcome] for j in journeys if j.outcome), default=time.time())
            points.append(SweepPoint(rate, len(journeys) / max(ended - started, seconds), _p(durations, 99)))
            if points[-1].achieved < 0.7 * rate:
                break  # past saturation: higher offers only queue more
        return points

    async def _tracking(self) -> tuple[Tracker, Sender]:
        tracker = Tracker(self.config.bootstrap)
        await tracker.start()
        sender = Sender(self.producer, tracker, f"b{self.tag}-", self.next)
        self.next += 1_000_000
        return tracker, sender


def _step_durations(journeys: Sequence[Journey]) -> dict[str, list[float]]:
    durations: dict[str, list[float]] = {name: [] for name, _, _ in (*STEPS, ("create", "", ""))}
    for journey in journeys:
        for name, start, end in (*STEPS, ("create", "sent", DONE)):
            took = journey.took(start, end)
            if took is not None:
                durations[name].append(took)
    return durations


def _p(values: Sequence[float], percent: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[percent - 1]
