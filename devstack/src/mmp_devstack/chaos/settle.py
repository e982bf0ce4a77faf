"""After the faults: waiting for quiescence, replaying what was dead-lettered for a cause now fixed, retrying the
undo of customers left with residue (as an operator would), and waiting again.

Quiet means: every consumer group has committed every message of the topics it reads, no service holds an event
it has not published (its outbox), no customer of the campaign is in a state that waits for a participant or for
the customer, and every task the campaign started has ended. Seen twice in a row.
"""

import asyncio
import time
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from mmp_contracts import topics
from mmp_devstack.chaos.api import Api
from mmp_devstack.chaos.metrics import Ledger
from mmp_devstack.chaos.population import Run
from mmp_devstack.chaos.traffic import Journal
from mmp_devstack.chaos.watcher import Watcher, partitions_of
from mmp_servicekit.dead_letters import DeadLetter, read, replay

GROUPS = {
    "customer-svc": (topics.CUSTOMER_COMMANDS, topics.PLATFORM_EVENTS, topics.MICOLLAB_EVENTS, topics.NOTIFY_EVENTS),
    "platform-svc": (topics.CUSTOMER_EVENTS, topics.MICOLLAB_EVENTS),
    "micollab-svc": (topics.PLATFORM_EVENTS, topics.CUSTOMER_EVENTS),
    "notify-svc": (topics.CUSTOMER_EVENTS,),
}
"""Each service's consumer group and the topics it reads."""
UNDER_WAY = ("PROVISIONING", "UPDATING", "DELETING", "ROLLING_BACK", "AWAITING_CONFIRMATION")
STALLED_SECONDS = 60.0
DEADLINE_GRACE = 30.0
POISON_ERRORS = ("not a CloudEvent", "type: unknown command type", "invalid message")
"""The reasons a message is parked without being handled: it can never be handled, replayed or not."""


@dataclass
class Quiet:
    reached: bool
    seconds: float
    still: list[str] = field(default_factory=list)
    """What was not quiet yet when the wait gave up."""


async def end_offsets(options: dict[str, Any], names: list[str]) -> dict[TopicPartition, int]:
    partitions = await partitions_of(options, names)
    consumer = AIOKafkaConsumer(**options, enable_auto_commit=False)
    await consumer.start()
    try:
        ends: dict[TopicPartition, int] = await consumer.end_offsets(partitions)
        return ends
    finally:
        await consumer.stop()


async def behind(options: dict[str, Any]) -> dict[str, int]:
    """Per consumer group: messages of its topics not committed yet."""
    ends = await end_offsets(options, list(topics.ALL))
    lag: dict[str, int] = {}
    for group, names in GROUPS.items():
        consumer = AIOKafkaConsumer(**options, group_id=group, enable_auto_commit=False)
        await consumer.start()
        try:
            missing = 0
            for partition, end in ends.items():
                if partition.topic in names:
                    committed = await consumer.committed(partition)
                    missing += end - (committed or 0)
            lag[group] = missing
        finally:
            await consumer.stop()
    return lag


class Settler:
    def __init__(
        self,
        api: Api,
        ledger: Ledger,
        watcher: Watcher,
        journal: Journal,
        run: Run,
        options: dict[str, Any],
        deadlines: dict[str, float],
        deadlines_enforced: bool,
    ) -> None:
        self.deadlines = deadlines
        self.deadlines_enforced = deadlines_enforced
        """Whether customer-svc has deadlines of its own (else they are the campaign's yardstick only)."""
        self.api = api
        self.ledger = ledger
        self.watcher = watcher
        self.journal = journal
        self.run = run
        self.options = options

    async def look(self) -> tuple[list[str], tuple[int, ...], float]:
        """What is not quiet yet; a fingerprint of the work left (unchanged: nothing moves); and how far the most
        overdue customer under way is past its deadline (negative: none is)."""
        reasons = []
        lag = await behind(self.options)
        reasons += [f"{group} has {n} messages to read" for group, n in lag.items() if n > 0]
        await self.ledger.scrape()
        pending = self.ledger.gauge_sum("mmp_outbox_pending_documents")
        if pending:
            reasons.append(f"{pending:.0f} documents hold unpublished events (outbox)")
        overdue, under_way = -1e9, []
        now = datetime.now(UTC)
        for status in UNDER_WAY:
            mine = [c for c in await self.api.listing(status=status) if self.run.owns(c["webid"])]
            under_way.append(len(mine))
            if mine:
                reasons.append(f"{len(mine)} customers {status} (e.g. {mine[0]['customer_id']})")
            for customer in mine:
                age = (now - datetime.fromisoformat(customer["created_at"]).astimezone(UTC)).total_seconds()
                overdue = max(overdue, age - self.deadlines[status])
        open_tasks = [
            r.task_id for r in self.journal.requests if r.task_id and not self.watcher.outcome_seen(r.task_id)
        ]
        still_open = []
        for task_id in open_tasks[:50]:
            task = await self.api.task(task_id)
            if task is None or task["status"] == "PENDING":
                still_open.append(task_id)
        if still_open:
            reasons.append(f"{len(still_open)}+ tasks the campaign started are not ended (e.g. {still_open[0]})")
        fingerprint = (*lag.values(), int(pending), *under_way, len(still_open))
        return reasons, fingerprint, overdue

    async def quiesce(self, seconds: float) -> Quiet:
        """Quiet twice in a row; or given up when nothing has moved for a while and nothing is due to (no deadline
        of customer-svc will move a customer still under way: it has none, or they are all past)."""
        started = time.monotonic()
        calm, said = 0, 0.0
        last: tuple[int, ...] | None = None
        still_since = started
        reasons: list[str] = []
        while time.monotonic() - started < seconds:
            reasons, fingerprint, overdue = await self.look()
            calm = calm + 1 if not reasons else 0
            if calm >= 2:
                return Quiet(True, time.monotonic() - started)
            now = time.monotonic()
            if fingerprint != last:
                last, still_since = fingerprint, now
            nothing_due = not self.deadlines_enforced or overdue > DEADLINE_GRACE
            if now - still_since > STALLED_SECONDS and nothing_due:
                reasons.append(f"stalled: nothing moved for {now - still_since:.0f} s, and nothing is due to")
                return Quiet(False, now - started, reasons)
            if now - said > 20:
                print(f"  waiting for quiescence ({now - started:.0f} s): {'; '.join(reasons)}", flush=True)
                said = now
            await asyncio.sleep(1.5)
        return Quiet(False, time.monotonic() - started, reasons)

    async def letters(self) -> list[DeadLetter]:
        found: list[DeadLetter] = []
        for topic in topics.ALL:
            found += await read(self.options, topic)
        return found

    def is_poison(self, letter: DeadLetter) -> bool:
        return letter.key.startswith(b"poison-") or letter.error.startswith(POISON_ERRORS)

    async def replay_fixed(self) -> tuple[list[DeadLetter], list[DeadLetter]]:
        """Replays the letters parked because handling failed (the cause, a fault, is gone now); poison stays.
        Returns what was replayed and what stays parked."""
        letters = await self.letters()
        chosen = [letter for letter in letters if letter.replayable and not self.is_poison(letter)]
        producer = AIOKafkaProducer(**self.options, acks="all")
        await producer.start()
        try:
            done = await replay(_Publisher(producer), chosen)
        finally:
            await producer.stop()
        return done, [letter for letter in letters if letter not in done and not letter.replayed]

    async def remedy(self, task_seconds: float) -> list[str]:
        """Retries the undo of every other customer left ROLLBACK_FAILED or DELETION_FAILED (R21, R23); the rest
        keep their residue, which the checks compare with what they report."""
        done = []
        for status, method, path in (("ROLLBACK_FAILED", "POST", "/rollback"), ("DELETION_FAILED", "DELETE", "")):
            for customer in await self.api.listing(status=status):
                if not self.run.owns(customer["webid"]) or zlib.crc32(customer["customer_id"].encode()) % 2:
                    continue
                url = f"{self.api.customer}/customers/{customer['customer_id']}{path}"
                response = await self.api.call(f"remedy {status}", method, url)
                if response is None or response.status_code != 202:
                    done.append(
                        f"{customer['customer_id']} {status}: not retried ({response and response.status_code})"
                    )
                    continue
                task_id = response.json()["task_id"]
                outcome = await self.watcher.outcome(task_id, task_seconds)
                ended = "no end seen" if outcome is None else "completed" if outcome.completed else "failed"
                done.append(f"{customer['customer_id']} {status}: retried, {ended}")
        return done


class _Publisher:
    def __init__(self, producer: AIOKafkaProducer) -> None:
        self.producer = producer

    async def publish(self, value: bytes, topic: str, key: bytes, headers: dict[str, str] | None = None) -> None:
        encoded = [(name, text.encode()) for name, text in (headers or {}).items()]
        await self.producer.send_and_wait(topic, value, key=key, headers=encoded)
