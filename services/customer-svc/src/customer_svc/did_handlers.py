"""Adding and removing DID ranges (R12): the owner's side of the flow platform-svc provisions."""

from datetime import datetime
from typing import Any

from customer_svc.customer_requests import Resumer, now
from customer_svc.domain.customer import Customer, Rejected
from customer_svc.domain.did_ranges import Span, uncovered
from customer_svc.domain.rules import check_did_ranges
from customer_svc.domain.tasks import Task
from customer_svc.handlers import CustomerHandlers
from mmp_contracts import CloudEvent, Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.commands import AddDidRange, RemoveDidRange
from mmp_contracts.customer_spec import DidRange
from mmp_servicekit.outbox import Cause

ADD, REMOVE = "add-did-range", "remove-did-range"


class DidRangeHandlers:
    def __init__(self, customers: CustomerHandlers) -> None:
        self.customers = customers
        self.index = customers.store.did_index
        for kind in (ADD, REMOVE):
            customers.resumers[kind] = self._resumer(kind)
        customers.after_refusal[ADD] = [lambda customer_id, payload: self.free_unheld(customer_id, DidRange(**payload))]

    def _resumer(self, kind: str) -> Resumer:
        async def resume(customer_id: str, payload: dict[str, Any], cause: Cause) -> Task | None:
            return await self.change(customer_id, DidRange.model_validate(payload), kind, cause)

        return resume

    async def add_did_range(self, command: AddDidRange, envelope: CloudEvent) -> None:
        await self.change(command.customer_id, command.did_range, ADD, Cause.of(envelope))

    async def remove_did_range(self, command: RemoveDidRange, envelope: CloudEvent) -> None:
        await self.change(command.customer_id, command.did_range, REMOVE, Cause.of(envelope))

    async def change(self, customer_id: str, did_range: DidRange, kind: str, cause: Cause) -> Task | None:
        customer = await self.customers.store.get(customer_id)
        if customer is None:
            return None
        shape = [v.model_copy(update={"field": "did_range"}) for v in check_did_ranges([did_range])]
        span = None if shape else Span.of(did_range.start, did_range.end)
        group = customer.spec.platform.platform_group_id
        holder = await self.index.claim(group, customer_id, span) if span and kind == ADD else None
        if holder is not None:
            message = f"{did_range.start}-{did_range.end} overlaps a range of another customer on {group}"
            shape = [Violation(field="did_range", rule="R12", message=message, conflict=True)]

        def transition(current: Customer, task_id: str, at: datetime) -> list[Message]:
            if shape or span is None:
                raise Rejected(shape)
            return current.request_did_change(task_id, kind, span, at)

        payload = did_range.model_dump()
        task = await self.customers.request(customer_id, cause, kind, transition, payload, span)
        if task is not None and task.refused and span is not None and kind == ADD and holder is None:
            await self.free_unheld(customer_id, did_range)
        return task

    async def free_unheld(self, customer_id: str, did_range: DidRange) -> None:
        """Frees the numbers of a range that the customer does not hold (any more, or at all)."""
        customer = await self.customers.store.get(customer_id)
        if customer is not None:
            await self._release_unless_held(customer, did_range)

    async def provisioned(self, event: ev.DidRangeProvisioned, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope)

    async def provisioning_failed(self, event: ev.DidRangeProvisioningFailed, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope, event.reason)
        customer = await self.customers.store.get(event.customer_id)
        if customer is not None:
            await self._release_unless_held(customer, event.did_range)

    async def released(self, event: ev.DidRangeReleased, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope)
        customer = await self.customers.store.get(event.customer_id)
        if customer is not None:
            await self._release_unless_held(customer, event.did_range)

    async def release_failed(self, event: ev.DidRangeReleaseFailed, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope, event.reason)

    async def _done(self, customer_id: str, task_id: str, envelope: CloudEvent, failure: str | None = None) -> None:
        await self.customers.apply(
            customer_id, Cause.of(envelope), lambda c: c.did_change_done(task_id, now(), failure)
        )

    async def _release_unless_held(self, customer: Customer, did_range: DidRange) -> None:
        """Frees the numbers of the range that the customer does not hold (any more, or at all)."""
        group, span = customer.spec.platform.platform_group_id, Span.of(did_range.start, did_range.end)
        for free in uncovered(customer.did_spans(), span):
            await self.index.release(group, customer.customer_id, free)
