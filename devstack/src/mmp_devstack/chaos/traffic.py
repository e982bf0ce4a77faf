"""The customers' lives, lived by several workers at once: created through Kafka (structured and binary mode) or
the API, edited, given and relieved of numbers, turned into demo customers, deleted, created again.

Each request is journaled with the task it started, so the checks can tell whether anything asked for was
lost. A worker waits for each task's end (R25 makes a request wait for the unfinished one before it), except
where the plan asks two things at once.
"""

import asyncio
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from mmp_devstack.chaos.api import Api, Commands
from mmp_devstack.chaos.population import Plan, Run, customer_data, edited
from mmp_devstack.chaos.watcher import Outcome, Watcher


@dataclass
class Request:
    kind: str
    channel: str
    index: int
    task_id: str | None
    customer_id: str | None = None
    answer: int | None = None
    """The HTTP status of an API request; None for a command published on Kafka."""
    outcome: Outcome | None = None
    waited_out: bool = False
    """The worker stopped waiting for the task's end (the checks still look for it)."""


@dataclass
class Journal:
    requests: list[Request] = field(default_factory=list)
    customers: dict[int, list[str]] = field(default_factory=dict)
    """Every customer id made for a plan (a create again makes another)."""
    refused: Counter[str] = field(default_factory=Counter)
    """API requests refused before any task, by kind and status (422, 409 in demo mode, ...)."""
    demo_residue: dict[str, list[str]] = field(default_factory=dict)
    """What a demo customer's delete said it left on the platforms (R24)."""
    never_taken: list[str] = field(default_factory=list)
    """Requests whose answer never came and that left no task: the service died before taking them."""

    def sent(self, kind: str, channel: str, index: int, task_id: str | None, answer: int | None = None) -> Request:
        request = Request(kind, channel, index, task_id, answer=answer)
        self.requests.append(request)
        return request


class Traffic:
    def __init__(
        self,
        run: Run,
        plans: list[Plan],
        api: Api,
        commands: Commands,
        watcher: Watcher,
        seed: int,
        task_seconds: float,
    ) -> None:
        self.run = run
        self.plans = plans
        self.api = api
        self.commands = commands
        self.watcher = watcher
        self.seed = seed
        self.task_seconds = task_seconds
        self.journal = Journal()
        self.started = 0
        self.finished = 0
        self.crashed: list[str] = []

    def progress(self) -> float:
        """How far the traffic is: the mean of the shares of customers whose lives began and ended."""
        return (self.started + self.finished) / (2 * len(self.plans)) if self.plans else 1.0

    async def reached(self, share: float, done: asyncio.Event) -> None:
        """Once that share of the customers have begun (or the traffic is over)."""
        while True:
            if self.progress() >= share or done.is_set():
                return
            await asyncio.sleep(0.2)

    async def drive(self, workers: int) -> None:
        queue = iter(self.plans)

        async def worker() -> None:
            for plan in queue:
                self.started += 1
                try:
                    await self.life(plan)
                except Exception as error:  # a worker never dies: the customer is left as it is, and checked
                    self.crashed.append(f"customer {plan.index}: {error!r}")
                self.finished += 1

        await asyncio.gather(*(worker() for _ in range(max(1, workers))))

    async def life(self, plan: Plan) -> None:
        data = customer_data(self.run, plan)
        customer_id, status = await self.create(plan, data, 0)
        if status in ("FAILED", "REJECTED") and plan.recreate:
            customer_id, status = await self.create(plan, data, 1)  # nothing left over may trip it (R20)
        if customer_id is None or status != "ACTIVE":
            return
        rng = random.Random(self.seed * 1_000_003 + plan.index)
        steps: list[Callable[[], Awaitable[None]]] = []
        if plan.edit:
            steps.append(lambda: self.edit(plan, data, customer_id))
        if plan.add_range:
            steps.append(lambda: self.did_range(plan, customer_id, remove=False))
        if plan.remove_range:
            steps.append(lambda: self.did_range(plan, customer_id, remove=True))
        rng.shuffle(steps)
        if plan.together and len(steps) > 1:
            await asyncio.gather(steps[0](), steps[1]())
            steps = steps[2:]
        for step in steps:
            await step()
        if plan.demo:
            await self.to_demo(plan, customer_id)
        if plan.delete and await self.delete(plan, customer_id) and plan.recreate and not plan.demo:
            await self.create(plan, data, 2)  # R23: the same details and WebID work again

    async def create(self, plan: Plan, data: dict[str, Any], attempt: int) -> tuple[str | None, str | None]:
        """The customer id and its status once the create task ended (None when it was not seen to end)."""
        webid = data["details"]["webid"]
        message_id = f"chaos-{self.run.tag}-{plan.index}-create-{attempt}"  # a BSS's own order number
        if plan.channel.startswith("kafka"):
            await self.commands.command("CreateCustomer", message_id, webid, data, plan.channel == "kafka-binary")
            request = self.journal.sent("create", plan.channel, plan.index, message_id)
        else:
            body: dict[str, Any] = data
            if plan.channel == "api-event":
                # with its dataschema: the API refuses a whole CloudEvent without one, which Kafka takes
                body = {"specversion": "1.0", "id": message_id, "source": "bss/chaos", "type": "CreateCustomer"}
                body |= {"dataschema": "urn:mmp:schema:CreateCustomer:1", "data": data}
            url = f"{self.api.customer}/customers"
            response = await self.api.call("create", "POST", url, body, repeatable=plan.channel == "api-event")
            if response is None:
                return await self._find_created(plan, webid)
            answer = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            task_id = answer.get("task_id")
            request = self.journal.sent("create", plan.channel, plan.index, task_id, response.status_code)
            if response.status_code != 202:
                self.journal.refused[f"create {response.status_code}"] += 1
                if not task_id:
                    return None, None
            request.customer_id = answer.get("customer_id")
        return await self._created(plan, request)

    async def _created(self, plan: Plan, request: Request) -> tuple[str | None, str | None]:
        assert request.task_id is not None
        outcome = await self.watcher.outcome(request.task_id, self.task_seconds)
        customer_id = request.customer_id or (outcome.customer_id if outcome else None)
        customer_id = customer_id or self.watcher.customer_of(request.task_id)
        if customer_id is not None:
            request.customer_id = customer_id
            self.journal.customers.setdefault(plan.index, []).append(customer_id)
        request.outcome = outcome
        if outcome is None:
            request.waited_out = True
            return customer_id, None
        if customer_id is None:
            return None, None
        record = await self.api.customer_record(customer_id)
        return customer_id, (record or {}).get("status")

    async def _find_created(self, plan: Plan, webid: str) -> tuple[str | None, str | None]:
        """A create through the API whose answer was lost: the customer is found by its WebID, or not at all."""
        found = await self.api.listing(webid=webid)
        known = set(self.journal.customers.get(plan.index, []))
        fresh = [c for c in found if c["customer_id"] not in known]
        if not fresh:
            self.journal.never_taken.append(f"create of {webid}")
            return None, None
        task = next(t for t in fresh[0]["tasks"] if t["kind"] == "create")
        request = self.journal.sent("create", plan.channel, plan.index, task["task_id"])
        request.customer_id = fresh[0]["customer_id"]
        return await self._created(plan, request)

    async def _task(self, request: Request) -> Outcome | None:
        if request.task_id is None:
            return None
        request.outcome = await self.watcher.outcome(request.task_id, self.task_seconds)
        request.waited_out = request.outcome is None
        return request.outcome

    async def _api_request(
        self, kind: str, plan: Plan, customer_id: str, method: str, url: str, body: Any = None
    ) -> Request | None:
        response = await self.api.call(kind, method, url, body)
        if response is None:
            return await self._find_taken(kind, plan, customer_id)
        answer = response.json() if response.content else {}
        if response.status_code not in (200, 202):
            self.journal.refused[f"{kind} {response.status_code}"] += 1
        task_id = answer.get("task_id") if isinstance(answer, dict) else None
        request = self.journal.sent(kind, "api", plan.index, task_id, response.status_code)
        request.customer_id = customer_id
        if kind == "delete" and response.status_code == 200 and isinstance(answer, dict):
            self.journal.demo_residue[customer_id] = list(answer.get("residue", []))
        return request

    async def _find_taken(self, kind: str, plan: Plan, customer_id: str) -> Request | None:
        """A request whose answer was lost (the service killed while answering): its task is found on the customer,
        and followed; or there is none, and the request was never taken, so nothing was promised."""
        customer = await self.api.customer_record(customer_id)
        known = {request.task_id for request in self.journal.requests}
        fresh = [t for t in (customer or {}).get("tasks", []) if t["kind"] == kind and t["task_id"] not in known]
        if not fresh:
            self.journal.never_taken.append(f"{kind} of {customer_id}")
            return None
        request = self.journal.sent(kind, "api", plan.index, fresh[-1]["task_id"])
        request.customer_id = customer_id
        return request

    async def _command(self, kind: str, type_: str, plan: Plan, customer_id: str, key: str, data: Any) -> Request:
        message_id = f"chaos-{self.run.tag}-{plan.index}-{kind}-{len(self.journal.requests)}"
        await self.commands.command(type_, message_id, key, data)
        request = self.journal.sent(kind, "kafka", plan.index, message_id)
        request.customer_id = customer_id
        return request

    async def edit(self, plan: Plan, data: dict[str, Any], customer_id: str) -> None:
        patch = edited(data, 0)
        if plan.edit_by_kafka:
            changes = {"details": {**data["details"], **patch["details"]}, "service_bundles": patch["service_bundles"]}
            command = {"customer_id": customer_id, "changes": changes}
            request: Request | None = await self._command(
                "update", "UpdateCustomer", plan, customer_id, customer_id, command
            )
        else:
            url = f"{self.api.customer}/customers/{customer_id}"
            request = await self._api_request("update", plan, customer_id, "PATCH", url, patch)
        if request is None or request.task_id is None:
            return
        if plan.confirm_billing:
            awaiting = ("BillingChangeAwaitingConfirmation",)
            if await self.watcher.wait_for(request.task_id, awaiting, self.task_seconds) == awaiting[0]:
                await self.confirm(plan, customer_id, request.task_id)
        await self._task(request)

    async def confirm(self, plan: Plan, customer_id: str, task_id: str) -> None:
        """R27: the customer's answer, through its API or as a BSS command."""
        answer = {"task_id": task_id, "accept": plan.accept_billing}
        if plan.edit_by_kafka:
            command = {"customer_id": customer_id, **answer}
            await self._command("confirm", "ConfirmBillingChange", plan, customer_id, customer_id, command)
            return
        url = f"{self.api.customer}/customers/{customer_id}/billing-confirmation"
        await self._api_request("confirm", plan, customer_id, "POST", url, answer)

    async def did_range(self, plan: Plan, customer_id: str, remove: bool) -> None:
        if remove:
            numbers = self.run.numbers(plan.index, 5, 9)  # the middle of the first range: it splits (R12)
        elif plan.contested:
            numbers = self.run.numbers(plan.index + 1, 0, 9)  # the next customer's: only one may hold them
        else:
            numbers = self.run.numbers(plan.index, 50, 59)
        kind = "remove-did-range" if remove else "add-did-range"
        if plan.dids_by_kafka:
            command = {"customer_id": customer_id, "did_range": numbers}
            type_ = "RemoveDidRange" if remove else "AddDidRange"
            request: Request | None = await self._command(kind, type_, plan, customer_id, customer_id, command)
        else:
            url = f"{self.api.customer}/customers/{customer_id}/did-ranges" + ("/remove" if remove else "")
            request = await self._api_request(kind, plan, customer_id, "POST", url, numbers)
        if request is not None:
            await self._task(request)

    async def to_demo(self, plan: Plan, customer_id: str) -> None:
        webid = self.run.webid(plan.index)
        if plan.delete_by_kafka:
            request: Request | None = await self._command(
                "convert-to-demo", "ConvertCustomerToDemo", plan, customer_id, webid, {"webid": webid}
            )
        else:
            url = f"{self.api.customer}/maintenance/commands"
            command = {"command": f"convertCustomerToDemoMode {webid}"}
            request = await self._api_request("convert-to-demo", plan, customer_id, "POST", url, command)
        if request is not None:
            await self._task(request)

    async def delete(self, plan: Plan, customer_id: str) -> bool:
        """True when the customer was deleted."""
        if plan.delete_by_kafka:
            command = {"customer_id": customer_id}
            request: Request | None = await self._command(
                "delete", "DeleteCustomer", plan, customer_id, customer_id, command
            )
        else:
            url = f"{self.api.customer}/customers/{customer_id}"
            request = await self._api_request("delete", plan, customer_id, "DELETE", url)
        if request is None:
            return False
        outcome = await self._task(request)
        return outcome is not None and outcome.completed
