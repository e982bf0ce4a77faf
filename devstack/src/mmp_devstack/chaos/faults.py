"""The faults a campaign injects while its customers live: platforms failing and slow, services killed and stopped
under load, the broker restarted, a second instance of a service joining its group and leaving it."""

import asyncio
import contextlib
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial

import httpx
from aiokafka.admin import AIOKafkaAdminClient

from mmp_contracts import topics
from mmp_devstack.chaos.api import Api
from mmp_devstack.chaos.metrics import Ledger, total
from mmp_devstack.processes import ManagedProcess
from mmp_devstack.stack import Stack

PRODUCTS = {"mivb": ("platform-svc", "MiVB"), "mbg": ("platform-svc", "MBG"), "micollab": ("micollab-svc", "MiCollab")}
"""Each simulated platform, with the service that calls it and the name its metrics give it."""
TICK = 1.0
OUTAGE_CHANCE = 0.005
"""Per second and platform: the platform is down (503, the request never served) for that second."""
SECOND_INSTANCE_PORT_SHIFT = 50
MOST_FAILURES_A_SECOND = 3


FERRETDB_ONE_WRITER = (
    "FerretDB checks a guarded write's filter apart from the write, so two processes changing one document can lose"
    " a write (seen here: a DID request gone); the adapter serialises writes within a process only, and MongoDB,"
    " which production runs, is atomic"
)

TANSU_GROUP_WEDGES = (
    "tansu 0.6's group coordinator wedged when a second member left and the first was stopped a moment later: the"
    " group never rebalanced again and the restarted service waited for its partitions for good; Apache Kafka"
    " takes it"
)


@dataclass
class FaultLog:
    """What was injected, when, and how it went."""

    started: float = field(default_factory=time.monotonic)
    lines: list[str] = field(default_factory=list)
    slowed_seconds: dict[str, int] = field(default_factory=dict)
    outage_seconds: dict[str, int] = field(default_factory=dict)
    failures_armed: dict[str, int] = field(default_factory=dict)
    restarts: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    troubles: list[str] = field(default_factory=list)
    """A process that did not come back as it should: each is a finding."""

    def note(self, line: str) -> None:
        stamped = f"[{time.monotonic() - self.started:7.1f}s] {line}"
        self.lines.append(stamped)
        print(f"  chaos {stamped}", flush=True)


class PlatformFaults:
    """Holds each platform near the shares asked for, closed loop on the callers' own metrics: every second, the
    failures still owed (the share of all calls so far, less the calls that did fail) are armed to fail next (a
    500, at most a few a second so a burst does not fail every saga at once), and while fewer calls were slow than
    asked for, the next second is slow (0.3 to 2.5 s, one in ten past the services' 5 s timeout: the call may then
    have been served, R21's "maybe applied"). Now and then a platform is down (503, not served) for a second."""

    def __init__(self, api: Api, ledger: Ledger, log: FaultLog, rng: random.Random, failures: float, slow: float):
        self.api = api
        self.ledger = ledger
        self.log = log
        self.rng = rng
        self.failures = failures
        self.slow = slow

    def calls(self) -> dict[str, tuple[float, float, float]]:
        """Per platform: calls, calls that failed, calls slower than 0.25 s; over the campaign."""
        counters = self.ledger.campaign()
        found = {}
        for product, (_, label) in PRODUCTS.items():
            calls = total(counters, "mmp_platform_call_seconds_count", platform=label)
            ok = total(counters, "mmp_platform_call_seconds_count", platform=label, outcome="ok")
            quick = total(counters, "mmp_platform_call_seconds_bucket", platform=label, le="0.25")
            found[product] = (calls, calls - ok, calls - quick)
        return found

    async def run(self, stop: asyncio.Event) -> None:
        if self.failures <= 0 and self.slow <= 0:
            return
        while not stop.is_set():
            for product, (calls, failed, slow) in self.calls().items():
                await self._arm(product, calls, failed, slow)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), TICK)
        await self.api.clear_faults()

    async def _arm(self, product: str, calls: float, failed: float, slow: float) -> None:
        owed = self.failures * calls - failed
        fail_next = min(MOST_FAILURES_A_SECOND, max(0, int(owed + self.rng.random())))
        down = self.rng.random() < OUTAGE_CHANCE * (self.failures / 0.08)
        latency = 0
        if self.slow > 0 and (slow < self.slow * calls or self.rng.random() < self.slow / 4):
            latency = 6_000 if self.rng.random() < 0.1 else self.rng.randrange(300, 2_500)
        self.log.failures_armed[product] = self.log.failures_armed.get(product, 0) + fail_next
        if latency:
            self.log.slowed_seconds[product] = self.log.slowed_seconds.get(product, 0) + 1
        if down:
            self.log.outage_seconds[product] = self.log.outage_seconds.get(product, 0) + 1
        await self.api.faults(product, fail_next=fail_next, latency_ms=latency, down=down)


@dataclass(frozen=True)
class Action:
    at: float
    """When the share of customers started reaches this."""
    what: str
    act: Callable[[], Awaitable[None]]


class ProcessFaults:
    """Kills, graceful stops, a broker restart and second instances, one at a time, at moments drawn from the
    seed, each process waited for until it is ready again."""

    def __init__(self, stack: Stack, ledger: Ledger, log: FaultLog, rng: random.Random) -> None:
        self.stack = stack
        self.ledger = ledger
        self.log = log
        self.rng = rng
        self.actions: list[Action] = []
        self.http = httpx.AsyncClient(timeout=3)

    def plan(
        self, kills: tuple[str, ...], terms: tuple[str, ...], broker_restart: bool, second: tuple[str, ...]
    ) -> None:
        draw = self.rng.uniform
        for service in kills:
            self.actions.append(Action(draw(0.05, 0.8), f"SIGKILL {service}", partial(self.kill, service)))
        for service in terms:
            self.actions.append(Action(draw(0.1, 0.8), f"SIGTERM {service}", partial(self.term, service)))
        if broker_restart:
            if self.stack.config.broker == "kafka" and self.stack.config.kafka_bootstrap is None:
                self.actions.append(Action(draw(0.3, 0.7), "restart the broker", self.restart_broker))
            else:
                reason = (
                    "tansu keeps every topic in memory, so a restart would lose them all by design"
                    if self.stack.config.kafka_bootstrap is None
                    else "the broker is not this stack's (MMP_KAFKA_BOOTSTRAP)"
                )
                self.log.skipped.append(f"broker restart skipped: {reason}")
        if second and self.stack.config.store == "ferretdb" and not self.stack.config.mongo_url:
            self.log.skipped.append(f"second instances skipped: {FERRETDB_ONE_WRITER}")
            second = ()
        if second and self.stack.config.broker == "tansu" and self.stack.config.kafka_bootstrap is None:
            self.log.skipped.append(f"second instances skipped: {TANSU_GROUP_WEDGES}")
            second = ()
        for service in second:
            joins = draw(0.05, 0.6)
            name = f"{service}-2"
            self.actions.append(Action(joins, f"{name} joins", partial(self.join, service, name)))
            self.actions.append(Action(joins + 0.2, f"{name} leaves", partial(self.leave, name)))
        self.actions.sort(key=lambda action: action.at)

    async def run(
        self,
        progress: Callable[[], float],
        reached: Callable[[float, asyncio.Event], Awaitable[None]],
        traffic_done: asyncio.Event,
    ) -> None:
        """Each action once its moment comes (all that are left once the traffic ends, so every one happens)."""
        for action in self.actions:
            await reached(action.at, traffic_done)
            self.log.note(f"{action.what} (traffic {progress():.0%} through)")
            try:
                await action.act()
            except Exception as error:
                self.log.troubles.append(f"{action.what}: {error!r}")
                self.log.note(f"{action.what} went wrong: {error!r}")

    async def close(self) -> None:
        await self.http.aclose()

    async def kill(self, service: str) -> None:
        process = self.stack.process(service)
        await self.ledger.scrape([service])
        self.ledger.died(service)
        await asyncio.to_thread(process.kill)
        await asyncio.sleep(self.rng.uniform(0.2, 2.0))
        await self._start(process, service, self.stack.config.service_urls[service])

    async def term(self, service: str) -> None:
        process = self.stack.process(service)
        await self.ledger.scrape([service])
        self.ledger.died(service)
        started = time.monotonic()
        code = await asyncio.to_thread(process.stop)
        took = time.monotonic() - started
        self.log.note(f"{service} stopped gracefully in {took:.1f} s with exit code {code}")
        if code not in (0, -15):
            self.log.troubles.append(f"SIGTERM {service}: exit code {code} after {took:.1f} s (not a clean stop)")
        await self._start(process, service, self.stack.config.service_urls[service])

    async def restart_broker(self) -> None:
        broker = self.stack.process("broker")
        code = await asyncio.to_thread(broker.stop, 30.0)
        self.log.note(f"broker stopped (exit code {code}); its log directory stays on disk")
        await asyncio.sleep(self.rng.uniform(1.0, 3.0))
        broker.start()
        await self._until(lambda: _serves_topics(self.stack.config.bootstrap), broker, 120)
        self.log.restarts.append("broker")
        self.log.note("broker serves the topics again")

    async def join(self, service: str, name: str) -> None:
        port = int(self.stack.config.service_urls[service].rsplit(":", 1)[1]) + SECOND_INSTANCE_PORT_SHIFT
        url = self.stack.config.url(port)
        process = self.stack.start_instance(service, name, port)
        await self._until(lambda: self._ready(url), process, 90)
        self.ledger.add(name, url)
        self.log.note(f"{name} is ready on {url}, a second member of {service}'s group")

    async def leave(self, name: str) -> None:
        process = next((p for p in self.stack.processes if p.name == name), None)
        if process is None:
            return
        await self.ledger.scrape([name])
        code = await asyncio.to_thread(self.stack.retire, process)
        self.ledger.remove(name)
        self.log.note(f"{name} left (exit code {code})")

    async def _start(self, process: ManagedProcess, service: str, url: str) -> None:
        process.start()
        started = time.monotonic()
        await self._until(lambda: self._ready(url), process, 120)
        self.log.restarts.append(service)
        self.log.note(f"{service} ready again {time.monotonic() - started:.1f} s after its start")

    async def _ready(self, url: str) -> None:
        response = await self.http.get(f"{url}/ready")
        response.raise_for_status()

    async def _until(self, attempt: Callable[[], Awaitable[None]], process: ManagedProcess, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            if not process.alive():
                self.log.troubles.append(f"{process.name} exited while starting:\n{process.tail(15)}")
                process.start()  # as its supervisor would
            try:
                await attempt()
                return
            except Exception as error:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{process.name} not ready after {seconds:.0f} s: {error!r}") from error
                await asyncio.sleep(0.2)

    async def heal(self) -> None:
        """Once the faults stop: every process of the stack running and ready (a second instance gone)."""
        for process in list(self.stack.processes):
            if process.name.endswith("-2"):
                await self.leave(process.name)
        for name, url in self.stack.config.service_urls.items():
            process = self.stack.process(name)
            if not process.alive():
                self.log.troubles.append(f"{name} was found dead after the faults:\n{process.tail(15)}")
                self.ledger.died(name)
                await self._restart_or_note(process, name, url)
                continue
            try:
                await self._until(lambda url=url: self._ready(url), process, 30)  # type: ignore[misc]
            except TimeoutError:
                # as a liveness probe would: a process that never gets ready is killed and started again
                self.log.troubles.append(f"{name} was running but not ready after the faults; killed, started again")
                self.log.note(f"{name} is not ready: killed and started again")
                self.ledger.died(name)
                await asyncio.to_thread(process.kill)
                await self._restart_or_note(process, name, url)

    async def _restart_or_note(self, process: ManagedProcess, name: str, url: str) -> None:
        try:
            await self._start(process, name, url)
        except TimeoutError as error:
            self.log.troubles.append(f"{name} not ready even after a restart: {error}")


async def _serves_topics(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5_000)
    await admin.start()
    try:
        described = await admin.describe_topics(list(topics.ALL))
    finally:
        await admin.close()
    leaderless = [t["topic"] for t in described for p in t["partitions"] if p["leader"] < 0]
    if leaderless or any(t["error_code"] for t in described):
        raise RuntimeError(f"topics not served yet: {leaderless or described}")
