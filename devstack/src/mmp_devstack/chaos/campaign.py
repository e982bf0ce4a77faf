"""One campaign: customers lived through while faults are injected, then quiescence, the dead letters replayed,
and the invariants checked and printed."""

import asyncio
import contextlib
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mmp_contracts import topics
from mmp_devstack.chaos import checks, records, report
from mmp_devstack.chaos.api import Api, Commands, kafka_options
from mmp_devstack.chaos.checks import Invariant, Links, World
from mmp_devstack.chaos.deadlines import deadlines
from mmp_devstack.chaos.faults import PRODUCTS, FaultLog, PlatformFaults, ProcessFaults
from mmp_devstack.chaos.metrics import Ledger, by_label, total
from mmp_devstack.chaos.options import ANY, ChaosOptions
from mmp_devstack.chaos.poison import Poison, publish
from mmp_devstack.chaos.population import Run, plans
from mmp_devstack.chaos.settle import GROUPS, Quiet, Settler
from mmp_devstack.chaos.traffic import Traffic
from mmp_devstack.chaos.watcher import Watcher
from mmp_devstack.config import StackConfig
from mmp_devstack.stack import SERVICES, Stack
from mmp_servicekit.dead_letters import DeadLetter


@dataclass
class Timings:
    traffic: float = 0.0
    first_quiet: Quiet | None = None
    replay_and_remedy: float = 0.0
    second_quiet: Quiet | None = None

    @property
    def to_quiesce(self) -> float:
        quiets = [q.seconds for q in (self.first_quiet, self.second_quiet) if q]
        return sum(quiets) + self.replay_and_remedy


@dataclass
class Outcome:
    invariants: list[Invariant]
    tables: str
    world: World

    @property
    def ok(self) -> bool:
        return all(invariant.ok for invariant in self.invariants)


@dataclass
class Campaign:
    config: StackConfig
    options: ChaosOptions
    stack: Stack | None
    """None when attached to a stack this campaign does not run: no process is touched then."""
    seed: int = field(default_factory=lambda: secrets.randbelow(2**31))

    def __post_init__(self) -> None:
        if self.options.seed is not None:
            self.seed = self.options.seed
        self.rng = random.Random(self.seed)
        # The tag and the number blocks are this run's own whatever the seed, so runs never meet on one stack.
        self.run = Run(secrets.token_hex(2), secrets.randbelow(8_000_000) + 1)
        self.plans = plans(self.run, self.options.customers, self.rng)
        self.kafka = kafka_options(self.config)
        self.api = Api(self.config)
        self.commands = Commands(self.config, idempotent=self.config.broker == "kafka")
        self.ledger = Ledger(urls=dict(self.config.service_urls))
        self.watcher = Watcher(self.kafka, self.api)
        self.log = FaultLog()
        self.traffic = Traffic(
            self.run, self.plans, self.api, self.commands, self.watcher, self.seed, self.options.task_seconds
        )
        self.deadlines, self.deadline_source, enforced = deadlines()
        self.settler = Settler(
            self.api, self.ledger, self.watcher, self.traffic.journal, self.run, self.kafka, self.deadlines, enforced
        )
        self.timings = Timings()
        self.poisons: list[Poison] = []
        self.replayed: list[DeadLetter] = []
        self.remedies: list[str] = []
        self.links = Links()
        self.resent = 0

    async def run_all(self) -> Outcome:
        """The whole campaign; `close` it afterwards (`check` may look again before)."""
        print(self.header(), flush=True)
        await self.begin()
        await self.live()
        await self.settle()
        return await self.check()

    async def check(self) -> Outcome:
        """The world as it stands now, judged."""
        world = await self.gather()
        invariants = await self.verify(world)
        return Outcome(invariants, self.tables(world, invariants), world)

    def header(self) -> str:
        options = self.options
        return (
            f"mmp chaos: {options.customers} customers, {options.workers} workers, seed {self.seed}, run tag"
            f" {self.run.tag} (WebIDs chaos-{self.run.tag}-N), broker {self.config.broker}, store {self.config.store}"
            f"\n  platform faults: {options.platform_failures:.0%} of calls failed, {options.platform_slow:.0%} slowed;"
            f" deadlines: {self.deadline_source}"
        )

    async def begin(self) -> None:
        await self.commands.start()
        await self.watcher.start()
        await self.ledger.begin()
        self.since = await records.starts(self.kafka)
        self.foreign = {p: set(checks.held({p: await self.api.simulator(p)}, p)) for p in checks.PRODUCTS}
        self.mails_before = len(await self.api.mails())
        self.began = datetime.now(UTC)

    async def close(self) -> None:
        for stop in (self.watcher.stop, self.commands.stop, self.api.close, self.ledger.close):
            with contextlib.suppress(Exception):
                await stop()

    async def live(self) -> None:
        """The customers' lives under every fault, until each life and each planned fault is over."""
        stop_faults, traffic_done, stop_scraping = asyncio.Event(), asyncio.Event(), asyncio.Event()
        scraping = asyncio.create_task(self.ledger.keep_scraping(1.0, stop_scraping))
        platform = PlatformFaults(
            self.api, self.ledger, self.log, self.rng, self.options.platform_failures, self.options.platform_slow
        )
        platform_task = asyncio.create_task(platform.run(stop_faults))
        processes = self._process_faults()
        process_task = (
            asyncio.create_task(processes.run(self.traffic.progress, self.traffic.reached, traffic_done))
            if processes
            else None
        )
        poison_task = asyncio.create_task(self._poison(traffic_done))
        started = time.monotonic()
        try:
            await self.traffic.drive(self.options.workers)
            traffic_done.set()
            for task in (process_task, poison_task):
                if task is not None:
                    await task
        finally:
            self.timings.traffic = time.monotonic() - started
            stop_faults.set()
            await platform_task
            if processes is not None:
                await processes.heal()
                await processes.close()
            stop_scraping.set()
            await scraping
        self.log.note(f"traffic and faults over after {self.timings.traffic:.1f} s; every process up, faults cleared")

    def _process_faults(self) -> ProcessFaults | None:
        if self.stack is None:
            self.log.skipped.append("no process killed, stopped or started: --attach runs on a stack it does not own")
            return None
        faults = ProcessFaults(self.stack, self.ledger, self.log, self.rng)
        terms = tuple(self.rng.choice(SERVICES) if name == ANY else name for name in self.options.terms)
        faults.plan(self.options.kills, terms, self.options.broker_restart, self.options.second_instances)
        for line in self.log.skipped:
            print(f"  chaos: {line}", flush=True)
        return faults

    async def _poison(self, traffic_done: asyncio.Event) -> None:
        rounds = self.options.poison_rounds
        for round_ in range(rounds):
            await self.traffic.reached((round_ + 1) / (rounds + 1), traffic_done)
            sent = await publish(self.commands, self.run.tag, round_, self.options.poison_except)
            self.poisons += sent
            self.log.note(f"poison round {round_ + 1}: {len(sent)} messages on {len(topics.ALL)} topics")

    async def settle(self) -> None:
        self.timings.first_quiet = quiet = await self.settler.quiesce(self.options.quiesce_seconds)
        self.log.note(f"quiet after {quiet.seconds:.1f} s" if quiet.reached else f"not quiet: {quiet.still}")
        started = time.monotonic()
        self.replayed, _ = await self.settler.replay_fixed()
        self.log.note(f"replayed {len(self.replayed)} dead letters whose cause (a fault) is gone")
        if self.options.remedy:
            self.remedies = await self.settler.remedy(self.options.task_seconds)
            self.log.note(f"retried the undo of {len(self.remedies)} customers left with residue")
        self.timings.replay_and_remedy = time.monotonic() - started
        self.timings.second_quiet = quiet = await self.settler.quiesce(self.options.quiesce_seconds)
        self.log.note(f"quiet again after {quiet.seconds:.1f} s" if quiet.reached else f"not quiet: {quiet.still}")

    async def gather(self) -> World:
        """The system as it stands: customers, platforms, mails, topics and dead letters."""
        await self.ledger.scrape()
        customers = [c for c in await self.api.listing() if self.run.owns(c["webid"])]
        for customer in customers:
            customer["demo"] = any(step["step"] == "converted to demo mode" for step in customer["steps"])
        return World(
            customers=customers,
            simulators={product: await self.api.simulator(product) for product in checks.PRODUCTS},
            foreign=self.foreign,
            mails=(await self.api.mails())[self.mails_before :],
            written=await records.written_since(self.kafka, self.since),
            letters=[letter for letter in await self.settler.letters() if letter.parked_at >= self.began],
            poisons=self.poisons,
            journal=self.traffic.journal,
            deadlines=self.deadlines,
            tag=self.run.tag,
        )

    async def verify(self, world: World) -> list[Invariant]:
        quiet = Invariant("quiescence reached (groups caught up, outboxes empty, no customer or task under way)")
        for when, reached in (
            ("after the faults", self.timings.first_quiet),
            ("after the replay", self.timings.second_quiet),
        ):
            if reached is not None and not reached.reached:
                quiet.violations += [f"{when}: {reason}" for reason in reached.still]
        closed, lost, once = checks.tasks(world)
        mails, tokens, self.resent = checks.welcome_mails(world)
        links, self.links = await checks.links(self.api, world, tokens)
        poison, fixed = checks.dead_letters(world)
        server = Invariant("the APIs answered no 5xx", list(self.api.server_errors))
        processes = Invariant("every process stopped and started as asked", list(self.log.troubles))
        harness = Invariant("the campaign's workers ran to the end", list(self.traffic.crashed))
        return [
            quiet,
            checks.stuck(world, datetime.now(UTC)),
            lost,
            closed,
            once,
            checks.platforms(world),
            checks.dids(world),
            mails,
            links,
            poison,
            fixed,
            server,
            processes,
            harness,
        ]

    def tables(self, world: World, invariants: list[Invariant]) -> str:
        counters = self.ledger.campaign()
        parts = [
            report.table(
                "Customers by final state",
                [(status, str(count)) for status, count in sorted(checks.statuses(world.customers).items())],
            ),
            report.table("Requests", self._requests()),
            report.table("Faults injected", self._faults(counters)),
            report.table("Messages", self._messages(counters, world)),
            report.table("Mail", self._mail(world)),
            report.table("Time", self._times()),
            report.observations(world.observations),
            report.verdicts(invariants),
        ]
        return "\n".join(part for part in parts if part)

    def _requests(self) -> list[tuple[str, str]]:
        rows: dict[str, list[int]] = {}
        for request in self.traffic.journal.requests:
            row = rows.setdefault(f"{request.kind} ({request.channel})", [0, 0, 0, 0])
            row[0] += 1
            if request.outcome is not None:
                row[1 if request.outcome.completed else 2] += 1
            elif request.waited_out:
                row[3] += 1
        lines = [
            (name, f"{n} sent, {done} completed, {failed} failed" + (f", {lost} no end seen" if lost else ""))
            for name, (n, done, failed, lost) in sorted(rows.items())
        ]
        refused = self.traffic.journal.refused
        if refused:
            lines.append(("refused by the API", ", ".join(f"{k}: {v}" for k, v in sorted(refused.items()))))
        unanswered = sum(self.api.unanswered.values())
        if unanswered:
            lines.append(("API requests unanswered (a service killed)", str(unanswered)))
        if self.traffic.journal.never_taken:
            taken_none = self.traffic.journal.never_taken
            lines.append(("  of which never taken (no task)", f"{len(taken_none)}: {', '.join(taken_none[:3])}"))
        if self.commands.retried:
            lines.append(("Kafka sends tried again", str(self.commands.retried)))
        if self.remedies:
            lines.append(("undo retried by the operator", f"{len(self.remedies)}: " + "; ".join(self.remedies[:3])))
        return lines

    def _faults(self, counters: dict[Any, float]) -> list[tuple[str, str]]:
        rows = []
        for product, (_, label) in PRODUCTS.items():
            calls = total(counters, "mmp_platform_call_seconds_count", platform=label)
            ok = total(counters, "mmp_platform_call_seconds_count", platform=label, outcome="ok")
            quick = total(counters, "mmp_platform_call_seconds_bucket", platform=label, le="0.25")
            rows.append(
                (
                    f"{label} calls",
                    f"{calls:.0f}; failed {report.share(calls - ok, calls)}, slower than 0.25 s"
                    f" {report.share(calls - quick, calls)}; armed {self.log.failures_armed.get(product, 0)} failures,"
                    f" {self.log.slowed_seconds.get(product, 0)} slow s, {self.log.outage_seconds.get(product, 0)}"
                    " outage s",
                )
            )
        acts = ("SIGKILL", "SIGTERM", " joins (", " leaves (", "restart the broker", "went wrong", "not ready")
        process_lines = [line for line in self.log.lines if any(act in line for act in acts)]
        for index, line in enumerate(process_lines):
            rows.append(("process" if index == 0 else "", line))
        for line in self.log.skipped:
            rows.append(("skipped", line))
        kinds = sorted({p.kind for p in self.poisons})
        if self.poisons:
            rows.append(("poison", f"{len(self.poisons)} messages: {', '.join(kinds)}"))
        return rows

    def _messages(self, counters: dict[Any, float], world: World) -> list[tuple[str, str]]:
        received = {
            service: by_label(
                {k: v for k, v in counters.items() if ("app_name", service) in k[1]},
                "faststream_received_messages_total",
                "handler",
            )
            for service in GROUPS
        }
        redelivered = 0.0
        for service, names in GROUPS.items():
            for topic in names:
                redelivered += received[service].get(topic, 0.0) - world.written.counts[topic]
        statuses = by_label(counters, "faststream_received_processed_messages_total", "status")
        parked_metrics = total(counters, "mmp_dead_letters_total")
        poison_letters = [letter for letter in world.letters if letter.key.startswith(b"poison-")]
        copies = {topic: world.written.copies(topic) for topic in topics.ALL}
        return [
            ("written on the topics", ", ".join(f"{t} {n}" for t, n in sorted(world.written.counts.items()))),
            ("received by the consumers", f"{sum(sum(r.values()) for r in received.values()):.0f}"),
            ("redelivered (received beyond once per group)", f"{redelivered:.0f}"),
            ("processed, by outcome", ", ".join(f"{k} {v:.0f}" for k, v in sorted(statuses.items()))),
            ("handled by a handler", f"{total(counters, 'mmp_messages_handled_total'):.0f}"),
            (
                "events published again (same id: to ignore)",
                ", ".join(f"{t} {n}" for t, n in copies.items() if n) or "none",
            ),
            ("dead-lettered (metrics / on the .dlq topics)", f"{parked_metrics:.0f} / {len(world.letters)}"),
            (
                "  of which poison",
                f"{len(poison_letters)} (cut short: {sum(1 for x in poison_letters if x.truncated_from)})",
            ),
            ("  replayed, cause fixed", str(len(self.replayed))),
            ("metrics scrapes missed (process down)", str(self.ledger.failed_scrapes)),
        ]

    def _mail(self, world: World) -> list[tuple[str, str]]:
        welcome = [m for m in world.mails if (m.get("message_id") or "").startswith("<welcome.")]
        billing = [m for m in world.mails if (m.get("message_id") or "").startswith("<billing-change.")]
        return [
            ("welcome mails", f"{len(welcome)} ({self.resent} sent again unchanged after a crash)"),
            ("billing-change mails", str(len(billing))),
            (
                "set-password links redeemed",
                f"{self.links.redeemed}; a second time refused: {self.links.second_refused}",
            ),
            ("links of deleted customers still accepted", str(len(self.links.deleted_still_working))),
        ]

    def _times(self) -> list[tuple[str, str]]:
        timings = self.timings
        first, second = timings.first_quiet, timings.second_quiet
        return [
            ("customers' lives under faults", f"{timings.traffic:.1f} s"),
            ("to quiesce after the faults", f"{first.seconds:.1f} s" if first else "-"),
            ("replay and operator's retries", f"{timings.replay_and_remedy:.1f} s"),
            ("to quiesce again", f"{second.seconds:.1f} s" if second else "-"),
            ("time to quiesce in all", f"{timings.to_quiesce:.1f} s"),
        ]
