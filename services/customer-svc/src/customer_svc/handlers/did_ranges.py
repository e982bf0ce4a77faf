"""Adding and removing a customer's DID ranges (R12): the owner's side of the flow platform-svc provisions.
The group-wide index is claimed before the customer asks platform-svc, and freed of whatever the customer
does not end up holding."""

from customer_svc.adapters.did_index import DidIndex
from customer_svc.domain.customer import Customer
from customer_svc.domain.rules import check_did_range, numbers_taken
from customer_svc.domain.tasks import Task
from customer_svc.domain.waiting import QueuedRequest
from customer_svc.handlers.requests import CustomerRequests, now
from mmp_contracts import CloudEvent
from mmp_contracts import events as ev
from mmp_contracts.commands import AddDidRange, RemoveDidRange
from mmp_contracts.customer_spec import DidRange
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository


class DidRangeHandlers:
    def __init__(self, requests: CustomerRequests, customers: Repository[Customer], index: DidIndex) -> None:
        self.requests = requests
        self.customers = customers
        self.index = index

    async def add_did_range(self, command: AddDidRange, envelope: CloudEvent) -> None:
        await self._command(command.customer_id, command.did_range, TaskKind.ADD_DID_RANGE, Cause.of(envelope))

    async def remove_did_range(self, command: RemoveDidRange, envelope: CloudEvent) -> None:
        await self._command(command.customer_id, command.did_range, TaskKind.REMOVE_DID_RANGE, Cause.of(envelope))

    async def _command(self, customer_id: str, did_range: DidRange, kind: TaskKind, cause: Cause) -> None:
        if await self.change(customer_id, did_range, kind, cause) is None:
            await self.requests.refuse_unknown_customer(cause, kind, customer_id)

    async def change(self, customer_id: str, did_range: DidRange, kind: TaskKind, cause: Cause) -> Task | None:
        customer = await self.customers.get(customer_id)
        if customer is None:
            return None
        violations = check_did_range(did_range)
        claimed = False
        if not violations and kind is TaskKind.ADD_DID_RANGE:
            group = customer.record.spec.platform.platform_group_id
            if await self.index.claim(group, customer_id, did_range) is None:
                claimed = True
            else:
                violations = [numbers_taken("did_range", did_range, group)]
        task = await self.requests.take(
            customer_id,
            cause,
            kind,
            lambda current, task_id, at: current.request_did_change(task_id, kind, did_range, violations, at),
            did_range=did_range,
        )
        if task is not None and task.refused and claimed:
            await self.free_unheld(customer_id, did_range)
        return task

    async def resume_did_change(self, customer_id: str, queued: QueuedRequest, cause: Cause) -> None:
        await self.change(customer_id, self._range_of(queued), queued.kind, cause)

    async def addition_refused(self, customer_id: str, queued: QueuedRequest) -> None:
        """The numbers an addition claimed while it waited go back to the group."""
        await self.free_unheld(customer_id, self._range_of(queued))

    async def did_range_provisioned(self, event: ev.DidRangeProvisioned, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope)

    async def did_range_provisioning_failed(self, event: ev.DidRangeProvisioningFailed, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope, event.reason)
        await self.free_unheld(event.customer_id, event.did_range)

    async def did_range_released(self, event: ev.DidRangeReleased, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope)
        await self.free_unheld(event.customer_id, event.did_range)

    async def did_range_release_failed(self, event: ev.DidRangeReleaseFailed, envelope: CloudEvent) -> None:
        await self._done(event.customer_id, event.task_id, envelope, event.reason)

    async def free_unheld(self, customer_id: str, did_range: DidRange) -> None:
        """Frees the numbers of the range that the customer does not hold (any more, or at all)."""
        customer = await self.customers.get(customer_id)
        if customer is not None:
            group = customer.record.spec.platform.platform_group_id
            await self.index.release(group, customer_id, *customer.unheld(did_range))

    async def _done(self, customer_id: str, task_id: str, envelope: CloudEvent, failure: str | None = None) -> None:
        await self.requests.apply(customer_id, Cause.of(envelope), lambda c: c.did_change_done(task_id, now(), failure))

    @staticmethod
    def _range_of(queued: QueuedRequest) -> DidRange:
        if queued.did_range is None:
            raise ValueError(f"the queued DID change {queued.task_id} carries no range")
        return queued.did_range
