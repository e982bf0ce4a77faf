"""The invariants a campaign must leave true, each with every violation it found (customer ids, task ids).

Judged against the services' own account (their API, their events) and against the world they act on (the
simulated platforms, the mails received): nothing asked for is lost, nothing is done twice, nothing is left half
made or left behind, and what is left behind is what the services say.
"""

import asyncio
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mmp_contracts import topics
from mmp_devstack.chaos.api import Api
from mmp_devstack.chaos.deadlines import WAITING
from mmp_devstack.chaos.poison import Poison
from mmp_devstack.chaos.records import Written
from mmp_devstack.chaos.settle import POISON_ERRORS
from mmp_devstack.chaos.traffic import Journal
from mmp_servicekit.dead_letters import DeadLetter

PRODUCTS = ("mivb", "mbg", "micollab")
RESIDUE_WORDS = {"mivb": "MiVB", "mbg": "MBG", "micollab": "MiCollab"}
GONE = ("FAILED", "REJECTED", "DELETED")
UNDO_FAILED = ("ROLLBACK_FAILED", "DELETION_FAILED")
PUT_BACK_FAILED = re.compile(r"could not put back|putting it back failed|put back failed")
"""Statuses that hold no WebID and no numbers (R6, R12)."""
ONCE_PER_TASK = (
    "CustomerRequested",
    "CustomerRejected",
    "CustomerActivated",
    "CustomerFailed",
    "CustomerUpdated",
    "CustomerUpdateFailed",
    "DidRangeAdded",
    "DidRangeRemoved",
    "CustomerDeleted",
    "CustomerDeletionFailed",
    "CustomerConvertedToDemo",
    "TaskCompleted",
    "TaskFailed",
)
"""customer.events types a task publishes at most once: a second one with another event id is a second effect."""
ONCE_PER_CUSTOMER = {
    topics.PLATFORM_EVENTS: ("PlatformAssigned",),
    topics.MICOLLAB_EVENTS: ("MiCollabTenantProvisioned",),
    topics.NOTIFY_EVENTS: ("WelcomeMailSent",),
}
TOKEN = re.compile(r"set-password\?token=([A-Za-z0-9_-]+)")
PASSWORD = "chaos-campaign-password-1"


@dataclass
class Invariant:
    name: str
    violations: list[str] = field(default_factory=list)
    looked_at: str = ""

    @property
    def ok(self) -> bool:
        return not self.violations


@dataclass
class World:
    """What the campaign found once the system was quiet."""

    customers: list[dict[str, Any]]
    simulators: dict[str, dict[str, Any]]
    foreign: dict[str, set[str]]
    """Per platform, what it held before the campaign (a stack `--attach`ed to has other customers)."""
    mails: list[dict[str, Any]]
    written: Written
    letters: list[DeadLetter]
    poisons: list[Poison]
    journal: Journal
    deadlines: dict[str, float]
    tag: str
    observations: list[str] = field(default_factory=list)
    """What the checks noticed that no invariant forbids (each worth a look)."""


@dataclass
class Links:
    redeemed: int = 0
    second_refused: int = 0
    deleted_still_working: list[str] = field(default_factory=list)
    resent: int = 0


def held(simulators: dict[str, dict[str, Any]], product: str) -> dict[str, dict[str, Any]]:
    state = simulators[product]
    found = state.get("customers") if product == "mbg" else state.get("tenants")
    return dict(found or {})


def products_in(residue: Iterable[str]) -> set[str]:
    return {product for product, word in RESIDUE_WORDS.items() if any(line.startswith(word) for line in residue)}


def numbers(ranges: Iterable[tuple[str, str]]) -> list[tuple[int, int, int]]:
    """Ranges as (width, first, last), merged where they touch: the same numbers always read the same."""
    spans = sorted((len(a), int(a), int(b)) for a, b in ranges)
    merged: list[tuple[int, int, int]] = []
    for width, first, last in spans:
        if merged and merged[-1][0] == width and first <= merged[-1][2] + 1:
            merged[-1] = (width, merged[-1][1], max(merged[-1][2], last))
        else:
            merged.append((width, first, last))
    return merged


def spec_ranges(customer: dict[str, Any]) -> list[tuple[str, str]]:
    return [(r["start"], r["end"]) for r in customer["spec"]["did_ranges"]]


def show(spans: list[tuple[int, int, int]]) -> str:
    return ", ".join(f"{a}-{b}" if a != b else str(a) for _, a, b in spans) or "none"


def platforms(world: World) -> Invariant:
    """ACTIVE customers are on every platform exactly as customer-svc records them; every other customer only where
    its reported residue says (a demo customer deleted: everywhere, R24; a failed undo: where it failed, R21);
    nothing else is there."""
    found = Invariant("platforms hold exactly the live customers and the reported residue")
    ours = {c["customer_id"]: c for c in world.customers}
    for product in PRODUCTS:
        holdings = held(world.simulators, product)
        for holder in holdings:
            if holder not in ours and holder not in world.foreign[product]:
                found.violations.append(f"{product} holds {holder}, which is no customer of the campaign")
    for customer in world.customers:
        customer_id, status = customer["customer_id"], customer["status"]
        if status in WAITING:
            continue  # not settled: reported as stuck or not quiet
        expected = set(PRODUCTS) if status == "ACTIVE" else products_in(customer["residue"])
        for product in PRODUCTS:
            there = customer_id in held(world.simulators, product)
            if there and product not in expected:
                found.violations.append(
                    f"{customer_id} ({status}{', demo' if customer['demo'] else ''}) is on {product}, and reports no"
                    f" residue there: {customer['residue'] or 'none'}"
                )
            elif not there and product in expected and status in UNDO_FAILED:
                # the call that failed may or may not have taken effect, so a failed undo reports it as left
                world.observations.append(
                    f"{customer_id}: {status} reports residue on {product}, which does not hold it (R21: may be left)"
                )
            elif not there and product in expected:
                what = "is ACTIVE" if status == "ACTIVE" else f"is {status} and reports residue there"
                found.violations.append(f"{customer_id} {what}, but {product} does not hold it")
        if status == "ACTIVE":
            found.violations += _contents(world, customer)
    found.looked_at = (
        f"{len(world.customers)} customers; "
        + ", ".join(f"{p}: {len(held(world.simulators, p))}" for p in PRODUCTS)
        + " held"
    )
    return found


def _contents(world: World, customer: dict[str, Any]) -> list[str]:
    customer_id, spec = customer["customer_id"], customer["spec"]
    name, problems = spec["details"]["name"], []
    mivb = held(world.simulators, "mivb").get(customer_id)
    if mivb is not None:
        drift = []
        if mivb.get("name") != name:
            drift.append(f"{customer_id}: MiVB tenant named {mivb.get('name')!r}, customer-svc says {name!r}")
        on_mivb, recorded = numbers(map(tuple, mivb["dids"])), numbers(spec_ranges(customer))
        if on_mivb != recorded:
            drift.append(f"{customer_id}: MiVB holds DIDs {show(on_mivb)}, customer-svc says {show(recorded)}")
        reported = _reported_put_back(customer, "MiVB")
        if reported:  # R22: a put-back that failed is told in the task's reason, with what the MiVB still holds
            world.observations += [f"{line} (reported by task {reported})" for line in drift]
        else:
            problems += drift
    mbg = held(world.simulators, "mbg").get(customer_id)
    if mbg is not None:
        if mbg.get("name") != name:  # R22 carries an edit to MiVB and MiCollab only: noted, not judged
            world.observations.append(f"{customer_id}: MBG keeps the name {mbg.get('name')!r}; it is now {name!r}")
        users = set(mbg.get("sip_users", {}))
        if users != {spec["first_user"]["username"]}:
            problems.append(f"{customer_id}: MBG SIP users {sorted(users)}, expected {spec['first_user']['username']}")
    micollab = held(world.simulators, "micollab").get(customer_id)
    if micollab is not None:
        drift = []
        if micollab.get("name") != name:
            drift.append(f"{customer_id}: MiCollab tenant named {micollab.get('name')!r}, customer-svc {name!r}")
        bundles = {key: b.get("quantity") for key, b in micollab.get("bundles", {}).items()}
        wanted = {b["bundle_id"]: b["quantity"] for b in spec["service_bundles"]}
        if bundles != wanted:
            drift.append(f"{customer_id}: MiCollab bundles {bundles}, customer-svc says {wanted}")
        reported = _reported_put_back(customer, "MiCollab")
        if reported:
            world.observations += [f"{line} (reported by task {reported})" for line in drift]
        else:
            problems += drift
        if spec["first_user"]["username"] not in micollab.get("users", {}):
            problems.append(f"{customer_id}: MiCollab lacks the first user {spec['first_user']['username']}")
    return problems


def _reported_put_back(customer: dict[str, Any], platform: str) -> str | None:
    """The failed task whose reason says the platform could not be put back as it was, if any."""
    for task in customer.get("tasks", []):
        reason = task.get("reason") or ""
        if task.get("status") == "FAILED" and platform in reason and PUT_BACK_FAILED.search(reason):
            return str(task["task_id"])
    return None


def dids(world: World) -> Invariant:
    """No number on two customers: among the live customers customer-svc records, on the MiVB, or between the two."""
    found = Invariant("no DID on two customers")
    owners: list[tuple[int, int, int, str, str]] = []
    for customer in world.customers:
        if customer["status"] not in GONE:
            owners += [(w, a, b, customer["customer_id"], "customer-svc") for w, a, b in numbers(spec_ranges(customer))]
    for tenant_id, tenant in held(world.simulators, "mivb").items():
        owners += [(w, a, b, tenant_id, "MiVB") for w, a, b in numbers(map(tuple, tenant.get("dids", [])))]
    owners.sort()
    for index, (width, first, last, owner, where) in enumerate(owners):
        for other in owners[index + 1 :]:
            if other[0] != width or other[1] > last:
                break
            if other[3] != owner:
                found.violations.append(
                    f"{max(first, other[1])}..{min(last, other[2])}: {where} gives them to {owner},"
                    f" {other[4]} to {other[3]}"
                )
    found.looked_at = f"{len(owners)} ranges held"
    return found


def tasks(world: World) -> tuple[Invariant, Invariant, Invariant]:
    """Every task ended, with exactly one TaskCompleted or TaskFailed of its outcome; nothing the campaign asked for
    was lost; no request took effect twice."""
    closed = Invariant("every task closed, with exactly one TaskCompleted or TaskFailed")
    lost = Invariant("nothing asked for was lost (every command and request became a task)")
    once = Invariant("no second effect (each outcome event once per task, each saga step once per customer)")
    known: dict[str, tuple[str, dict[str, Any]]] = {}
    for customer in world.customers:
        for task in customer["tasks"]:
            known[task["task_id"]] = (customer["customer_id"], task)
    ends: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    effects: dict[tuple[str, str], set[str]] = defaultdict(set)
    for event in world.written.events[topics.CUSTOMER_EVENTS]:
        task_id = event["data"].get("task_id")
        if not isinstance(task_id, str):
            continue
        if event["type"] in ("TaskCompleted", "TaskFailed"):
            ends[task_id][event["type"]].add(str(event["id"]))
        if event["type"] in ONCE_PER_TASK:
            effects[(event["type"], task_id)].add(str(event["id"]))
    for task_id, (customer_id, task) in known.items():
        if task["status"] == "PENDING":
            waiting = f", waiting for {task['waiting_for']}" if task["waiting_for"] else ""
            closed.violations.append(f"task {task_id} ({task['kind']}) of {customer_id} is still PENDING{waiting}")
            continue
        wanted = "TaskCompleted" if task["status"] == "COMPLETED" else "TaskFailed"
        told = ends.get(task_id, {})
        if sum(len(ids) for ids in told.values()) == 0:
            closed.violations.append(f"task {task_id} ({task['kind']}) of {customer_id}: {task['status']}, no {wanted}")
        elif set(told) != {wanted} or len(told[wanted]) != 1:
            counted = {kind: len(ids) for kind, ids in told.items()}
            closed.violations.append(f"task {task_id} ({task['kind']}) of {customer_id}: {task['status']}, {counted}")
    for (kind, task_id), ids in effects.items():
        if len(ids) > 1 and kind not in ("TaskCompleted", "TaskFailed"):
            owner = known.get(task_id, ("?", {}))[0]
            once.violations.append(f"{kind} of task {task_id} ({owner}) published {len(ids)} times, each its own id")
    for topic, kinds in ONCE_PER_CUSTOMER.items():
        by_customer: dict[tuple[str, str], set[str]] = defaultdict(set)
        for event in world.written.events[topic]:
            if event["type"] in kinds and isinstance(event["data"].get("customer_id"), str):
                by_customer[(event["type"], event["data"]["customer_id"])].add(str(event["id"]))
        for (kind, customer_id), ids in by_customer.items():
            if len(ids) > 1:
                once.violations.append(f"{kind} of {customer_id} published {len(ids)} times, each its own id")
    for request in world.journal.requests:
        if request.task_id and request.task_id not in known:
            lost.violations.append(
                f"{request.kind} ({request.channel}) of customer {request.index} {request.customer_id or ''}: task"
                f" {request.task_id} does not exist"
            )
    closed.looked_at = f"{len(known)} tasks"
    lost.looked_at = f"{len(world.journal.requests)} requests and commands"
    once.looked_at = f"{sum(len(e) for e in world.written.events.values())} events"
    return closed, lost, once


def stuck(world: World, now: datetime) -> Invariant:
    found = Invariant("nothing stuck past its deadline")
    for customer in world.customers:
        status = customer["status"]
        if status not in WAITING:
            continue
        pending = [t["created_at"] for t in customer["tasks"] if t["status"] == "PENDING"]
        since = datetime.fromisoformat(min(pending) if pending else customer["created_at"])
        age = (now - since.astimezone(UTC)).total_seconds()
        if age > world.deadlines[status]:
            found.violations.append(
                f"{customer['customer_id']} {status} for {age:.0f} s (deadline {world.deadlines[status]:.0f} s)"
            )
    found.looked_at = ", ".join(f"{s} {int(v)} s" for s, v in world.deadlines.items())
    return found


def welcome_mails(world: World) -> tuple[Invariant, dict[str, str], int]:
    """Exactly one welcome mail for each activated customer that asked for one, none for the others; the token of
    each, by customer; how many were sent again unchanged (after a crash, by design)."""
    found = Invariant("exactly one welcome mail per activated customer that asked for one, none otherwise")
    by_customer: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for mail in world.mails:
        match = re.match(r"<welcome\.([^@]+)@", mail.get("message_id") or "")
        if match:
            by_customer[match.group(1)].append(mail)
    activated = {
        e["data"]["customer_id"]
        for e in world.written.events[topics.CUSTOMER_EVENTS]
        if e["type"] == "CustomerActivated"
    }
    tokens: dict[str, str] = {}
    resent = 0
    for customer in world.customers:
        customer_id = customer["customer_id"]
        asked = customer["spec"]["user_settings"]["send_welcome_mail"]
        mails = by_customer.get(customer_id, [])
        distinct = {(m["subject"], m["body"]) for m in mails}
        resent += len(mails) - len(distinct)
        if customer_id in activated and asked:
            if len(distinct) != 1:
                found.violations.append(
                    f"{customer_id} ({customer['status']}): {len(distinct)} different welcome mails"
                )
            elif customer["welcome_mail"] != "sent":
                found.violations.append(
                    f"{customer_id}: mail received, but customer-svc says {customer['welcome_mail']}"
                )
            token = TOKEN.search(mails[0]["body"]) if mails else None
            if token:
                tokens[customer_id] = token.group(1)
        elif mails:
            why = "did not ask for one" if customer_id in activated else f"was never activated ({customer['status']})"
            found.violations.append(f"{customer_id} {why}, yet got {len(mails)} welcome mails")
    found.looked_at = f"{len(activated)} activated, {sum(len(m) for m in by_customer.values())} welcome mails"
    return found, tokens, resent


async def links(api: Api, world: World, tokens: dict[str, str]) -> tuple[Invariant, Links]:
    """R26: each set-password link works once: the first redemption 204, the second 410. A deleted (R23) or demo
    (R24) customer's link never works: nobody logs into it."""
    found = Invariant("every set-password link works once, only once, never for a deleted or demo customer")
    status = {c["customer_id"]: c["status"] for c in world.customers}
    demo = {c["customer_id"] for c in world.customers if c.get("demo")}
    counts = Links()
    window = asyncio.Semaphore(16)
    url = f"{api.notify}/set-password"

    async def redeem(customer_id: str, token: str) -> None:
        async with window:
            body = {"token": token, "password": PASSWORD}
            first = await api.call("set password", "POST", url, body)
            second = await api.call("set password again", "POST", url, body)
        first_code = first.status_code if first else None
        second_code = second.status_code if second else None
        if status.get(customer_id) == "DELETED" and first_code == 204:
            counts.deleted_still_working.append(customer_id)
            found.violations.append(f"{customer_id}: its set-password link still worked after it was deleted (R23)")
        elif customer_id in demo and first_code == 204:
            found.violations.append(f"{customer_id}: its set-password link worked in demo mode (R24: no logins)")
        if first_code == 204:
            counts.redeemed += 1
        elif status.get(customer_id) == "ACTIVE" and customer_id not in demo:
            found.violations.append(f"{customer_id}: its link answered {first_code} the first time")
        if second_code == 410:
            counts.second_refused += 1
        else:
            found.violations.append(f"{customer_id}: its link answered {second_code} the second time (410 wanted)")

    await asyncio.gather(*(redeem(customer_id, token) for customer_id, token in tokens.items()))
    found.looked_at = f"{len(tokens)} links"
    return found, counts


def dead_letters(world: World) -> tuple[Invariant, Invariant]:
    poison_check = Invariant("poison parked by its readers (or skipped where no reader knows its type), never replayed")
    fixed_check = Invariant("every other dead letter replayed once its cause was fixed")
    by_key: dict[tuple[str, bytes], list[DeadLetter]] = defaultdict(list)
    for letter in world.letters:
        by_key[(letter.topic, letter.key)].append(letter)
    for poison in world.poisons:
        parked = by_key.get((poison.topic, poison.key.encode()), [])
        if poison.parked_by_some_reader and not parked:
            poison_check.violations.append(f"{poison.kind} on {poison.topic} ({poison.key}): never parked")
        if not poison.parked_by_some_reader and parked:
            poison_check.violations.append(
                f"{poison.kind} on {poison.topic} ({poison.key}): parked {len(parked)} times, though no reader knows it"
                f" ({parked[0].error[:80]})"
            )
        replayed = [letter.ref for letter in parked if letter.replayed]
        if replayed:
            poison_check.violations.append(f"{poison.kind} on {poison.topic}: replayed ({', '.join(replayed)})")
    for letter in world.letters:
        unparseable = letter.key.startswith(b"poison-") or letter.error.startswith(POISON_ERRORS)
        if not unparseable and not letter.replayed:
            fixed_check.violations.append(
                f"{letter.topic}.dlq {letter.ref} key {letter.key.decode(errors='replace')}: {letter.error[:160]}"
            )
    poison_check.looked_at = f"{len(world.poisons)} poison messages, {len(world.letters)} dead letters"
    fixed_check.looked_at = f"{sum(not letter.key.startswith(b'poison-') for letter in world.letters)} not poison"
    return poison_check, fixed_check


def statuses(customers: list[dict[str, Any]]) -> Counter[str]:
    return Counter(f"{c['status']}{' (demo)' if c['demo'] else ''}" for c in customers)
