"""DID ranges added to and removed from a customer in place (R12), on its group's MiVB.

customer-svc checks the overlaps across the group; the MiVB refuses a range another tenant holds. Each task
is decided once (its record in the assignment), and the held ranges follow the MiVB's.
"""

from collections.abc import Callable, Sequence

from mmp_contracts import CloudEvent, Message
from mmp_contracts.events import DidRangeAdditionRequested, DidRangeRemovalRequested
from mmp_servicekit.outbox import Cause
from mmp_servicekit.platform_http import PlatformCallFailed
from mmp_servicekit.repository import Repository
from platform_svc.management.domain.refusals import Refusal
from platform_svc.provisioning.adapters.mivb import Mivb
from platform_svc.provisioning.domain.assignment import Assignment
from platform_svc.provisioning.domain.steps import Step
from platform_svc.provisioning.handlers.answers import answer


class DidRangeHandlers:
    def __init__(self, assignments: Repository[Assignment], mivb: Mivb) -> None:
        self.assignments = assignments
        self.mivb = mivb

    async def did_range_addition_requested(self, event: DidRangeAdditionRequested, envelope: CloudEvent) -> None:
        cause, customer_id, task_id, did_range = Cause.of(envelope), event.customer_id, event.task_id, event.did_range
        tenant = await self._tenant_to_change(
            event, cause, lambda a, refused: a.did_addition_failed(task_id, did_range, refused)
        )
        if tenant is None:
            return
        try:
            await self.mivb.put_dids(tenant.url, customer_id, did_range.text())
        except PlatformCallFailed as failure:
            reason, maybe_applied = failure.reason, failure.maybe_applied
            # Nothing of the range may stay: removed again (a DELETE tolerant of its absence).
            cleanup = await self._remove_again(tenant.url, customer_id, did_range.text())
            await self.assignments.change(
                customer_id,
                cause,
                lambda a: a.did_addition_failed(task_id, did_range, reason, tenant, maybe_applied, cleanup),
            )
            return
        await self.assignments.change(customer_id, cause, lambda a: a.dids_added(task_id, did_range, tenant))

    async def did_range_removal_requested(self, event: DidRangeRemovalRequested, envelope: CloudEvent) -> None:
        cause, customer_id, task_id, did_range = Cause.of(envelope), event.customer_id, event.task_id, event.did_range
        tenant = await self._tenant_to_change(
            event, cause, lambda a, refused: a.did_removal_failed(task_id, did_range, refused)
        )
        if tenant is None:
            return
        try:
            await self.mivb.delete_dids(tenant.url, customer_id, did_range.text())  # the MiVB splits its ranges
        except PlatformCallFailed as failure:
            reason = failure.reason
            await self.assignments.change(
                customer_id, cause, lambda a: a.did_removal_failed(task_id, did_range, reason)
            )
            return
        await self.assignments.change(customer_id, cause, lambda a: a.dids_removed(task_id, did_range, tenant))

    async def _tenant_to_change(
        self,
        event: DidRangeAdditionRequested | DidRangeRemovalRequested,
        cause: Cause,
        refuse: Callable[[Assignment, str], Sequence[Message] | None],
    ) -> Step | None:
        """The MiVB tenant whose DIDs the task changes; None when there is nothing to call: the task is
        decided already, or it is refused, answered with `refuse` and the refusal's reason (R12)."""
        customer_id, task_id = event.customer_id, event.task_id
        assignment = await self.assignments.get(customer_id) or Assignment.holding_nothing(customer_id, task_id)
        if assignment.has_task(task_id):
            return None  # decided once: a repeat neither calls the MiVB nor answers again
        try:
            return assignment.dids_tenant(event.platform_group_id)
        except Refusal as refusal:
            refused = refusal.reason
            await answer(self.assignments, customer_id, task_id, cause, lambda a: refuse(a, refused))
            return None

    async def _remove_again(self, url: str, customer_id: str, did_range: str) -> str | None:
        """Why removing the range again failed, if it did."""
        try:
            await self.mivb.delete_dids(url, customer_id, did_range)
        except PlatformCallFailed as cleanup:
            return cleanup.reason
        return None
