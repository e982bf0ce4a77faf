"""The machinery every request and event on a customer goes through: one guarded write, tasks that
wait for the work they depend on (R25), and the DID numbers a customer holds on its group (R12)."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from customer_svc.domain.customer import Customer, Refused, Rejected
from customer_svc.domain.did_ranges import Span
from customer_svc.domain.tasks import Task, TaskStatus
from customer_svc.domain.waiting import CUSTOMER_WIDE, DID_CHANGES
from customer_svc.store import CustomerStore, decision, from_document
from mmp_contracts import Message, Violation
from mmp_contracts.customer_spec import CustomerSpec
from mmp_servicekit.outbox import Cause, Decision

log = logging.getLogger(__name__)

Transition = Callable[[Customer, str, datetime], list[Message]]
Resumer = Callable[[str, dict[str, Any], Cause], Awaitable[object]]
WAITABLE = (*CUSTOMER_WIDE, *DID_CHANGES)


def refusing(reason: str) -> Transition:
    def refuse(customer: Customer, task_id: str, at: datetime) -> list[Message]:
        raise Refused(reason)

    return refuse


REQUESTS: dict[str, Transition] = {
    "retry-rollback": Customer.retry_rollback,
    "delete": Customer.request_deletion,
    "convert-to-demo": Customer.convert_to_demo,
}

CUSTOMER_IDS = uuid.UUID("a3c1f3d2-5b7e-4c1a-9d2e-7f6b8a9c0d1e")
"""Customer ids derive from the creating command's id, so a redelivered command finds its customer."""


@dataclass(frozen=True)
class Intake:
    customer: Customer
    duplicate: bool = False


def webid_taken(webid: str) -> Violation:
    return Violation(field="details.webid", rule="R6", message=f"WebID {webid!r} is taken", conflict=True)


def now() -> datetime:
    return datetime.now(UTC)


class CustomerRequests:
    def __init__(self, store: CustomerStore, portal_url: str) -> None:
        self.store = store
        self.portal_url = portal_url
        self.after_refusal: dict[str, list[Callable[[str, dict[str, Any]], Awaitable[None]]]] = {}
        self.resumers: dict[str, Resumer] = {
            "delete": lambda customer_id, _, cause: self.request(customer_id, cause, "delete"),
            "convert-to-demo": lambda customer_id, _, cause: self.request(customer_id, cause, "convert-to-demo"),
        }

    async def request(
        self,
        customer_id: str,
        cause: Cause,
        kind: str,
        transition: Transition | None = None,
        payload: dict[str, Any] | None = None,
        span: Span | None = None,
    ) -> Task | None:
        """A request on an existing customer; the task it leaves says how it went (or why it was refused).
        R25: one that depends on unfinished work waits for it (`payload` is what it needs to run later)."""
        task_id, transitions = cause.correlation_id, transition or REQUESTS[kind]
        existing = await self.store.get(customer_id)
        if existing and any(t.task_id == task_id and t.kind != kind for t in existing.tasks) and cause.message_id:
            task_id = cause.message_id  # a BSS that reuses a correlation id must not overwrite another task

        def run(customer: Customer) -> list[Message]:
            if kind in WAITABLE and customer.wait(task_id, kind, payload or {}, span, now()):
                return []
            try:
                return transitions(customer, task_id, now())
            except Rejected as rejection:
                return customer.refuse(task_id, kind, str(rejection), now(), rejection.violations)
            except Refused as refusal:
                return customer.refuse(task_id, kind, str(refusal), now())

        if not await self.apply(customer_id, cause, run):
            return None
        await self._release_numbers_if_gone(customer_id)
        customer = await self._get(customer_id)
        return next(t for t in customer.tasks if t.task_id == task_id)

    async def claim_numbers(self, customer_id: str, spec: CustomerSpec) -> list[Violation]:
        """R12 across customers: the ranges are the customer's alone on its platform group."""
        group, index = spec.platform.platform_group_id, self.store.did_index
        for position, did_range in enumerate(spec.did_ranges):
            if await index.claim(group, customer_id, Span.of(did_range.start, did_range.end)) is not None:
                await self.release_numbers(customer_id, spec)
                message = f"{did_range.start}-{did_range.end} overlaps a range of another customer on {group}"
                return [Violation(field=f"did_ranges[{position}]", rule="R12", message=message, conflict=True)]
        return []

    async def release_numbers(self, customer_id: str, spec: CustomerSpec) -> None:
        for did_range in spec.did_ranges:
            span = Span.of(did_range.start, did_range.end)
            await self.store.did_index.release(spec.platform.platform_group_id, customer_id, span)

    async def _release_numbers_if_gone(self, customer_id: str) -> None:
        """A FAILED or DELETED customer frees its numbers for anyone on the group (R23: no residue)."""
        customer = await self.store.get(customer_id)
        if customer is not None and not customer.status.holds_webid:
            await self.release_numbers(customer_id, customer.spec)

    async def resume_waiting(self, customer_id: str) -> None:
        """R25: runs the requests whose awaited task finished, or refuses them if it failed."""
        customer = await self.store.get(customer_id)
        for queued, awaited in customer.ready_to_resume() if customer else ():
            cause = Cause(correlation_id=queued.task_id, message_id=f"{queued.task_id}/after/{awaited.task_id}")
            if awaited.status is TaskStatus.FAILED:
                reason = f"it waited for task {awaited.task_id} ({awaited.kind}), which failed: {awaited.reason}"
                await self.request(customer_id, cause, queued.kind, refusing(reason), queued.payload)
                for settle in self.after_refusal.get(queued.kind, ()):
                    await settle(customer_id, queued.payload)
            else:
                await self.resumers[queued.kind](customer_id, queued.payload, cause)

    async def apply(self, customer_id: str, cause: Cause, transition: Callable[[Customer], list[Message]]) -> bool:
        waiting: bool | None = None

        def decide(doc: dict[str, Any]) -> Decision | None:
            nonlocal waiting
            customer = from_document(doc)
            waiting = bool(customer.queued)
            steps_before = len(customer.steps)
            emit = transition(customer)
            if not emit and len(customer.steps) == steps_before:
                return None  # every change records a step: nothing recorded, the event did not apply here
            return decision(customer, emit)

        found = await self.store.customers.mutate(customer_id, cause, decide)
        if waiting or (waiting is None and found):
            # `decide` did not run for a message already applied: a crash may have come between its write
            # and the resume, so the queue is looked at again
            await self.resume_waiting(customer_id)
        return found

    async def _get(self, customer_id: str) -> Customer:
        customer = await self.store.get(customer_id)
        if customer is None:
            raise LookupError(customer_id)
        return customer
