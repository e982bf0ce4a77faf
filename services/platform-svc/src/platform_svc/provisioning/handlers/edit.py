"""The platform side of an edit (R22): carry `after` to the MiVB, or leave it (or put it back) as it was.

Each task is decided once and recorded in the assignment under its task id, with the tenant sent and the one
before it, so a MiCollab failure later puts back exactly what this task changed.
"""

import logging

from mmp_contracts import CloudEvent
from mmp_contracts.events import CustomerUpdateRequested, MiCollabUpdateFailed
from mmp_servicekit.outbox import Cause
from mmp_servicekit.platform_http import PlatformCallFailed
from mmp_servicekit.repository import Repository
from platform_svc.management.domain.refusals import Refusal
from platform_svc.provisioning.adapters.mivb import Mivb
from platform_svc.provisioning.domain.assignment import Assignment
from platform_svc.provisioning.domain.edit import Revert
from platform_svc.provisioning.domain.tenant import MivbTenant
from platform_svc.provisioning.handlers.answers import answer
from platform_svc.provisioning.handlers.live import LiveChecks

log = logging.getLogger(__name__)


class EditHandlers:
    def __init__(self, assignments: Repository[Assignment], live: LiveChecks, mivb: Mivb) -> None:
        self.assignments = assignments
        self.live = live
        self.mivb = mivb

    async def customer_update_requested(self, event: CustomerUpdateRequested, envelope: CloudEvent) -> None:
        cause, customer_id, task_id = Cause.of(envelope), event.customer_id, event.task_id
        assignment = await self.assignments.get(customer_id) or Assignment.holding_nothing(customer_id, task_id)
        if assignment.has_task(task_id):
            return  # decided once: a repeat neither changes the MiVB nor answers again
        try:
            plan = await self.live.edit(assignment, event.before, event.after)
        except Refusal as refusal:
            refused = refusal
            await answer(self.assignments, customer_id, task_id, cause, lambda a: a.edit_refused(task_id, refused))
            return
        if plan.warning:
            log.warning("customer %s: %s", customer_id, plan.warning)
        if plan.changes:
            try:
                await self.mivb.put_tenant(plan.mivb_url, customer_id, plan.tenant)
            except PlatformCallFailed as failure:
                put_back = await self._put_back(plan.mivb_url, customer_id, plan.previous)
                reason = failure.reason
                await self.assignments.change(customer_id, cause, lambda a: a.edit_failed(task_id, reason, put_back))
                return
        before, after = event.before, event.after
        await self.assignments.change(customer_id, cause, lambda a: a.edit_done(task_id, before, after, plan))

    async def micollab_update_failed(self, event: MiCollabUpdateFailed, envelope: CloudEvent) -> None:
        """MiCollab is as it was before the edit; the MiVB returns there too (R22)."""
        cause, customer_id, task_id = Cause.of(envelope), event.customer_id, event.task_id
        assignment = await self.assignments.get(customer_id) or Assignment.holding_nothing(customer_id, task_id)
        if assignment.revert_for(task_id) is Revert.DECIDED:
            return
        applied = assignment.applied_edit(task_id)
        if applied is None:  # nothing of the task is on the MiVB
            await answer(self.assignments, customer_id, task_id, cause, lambda a: a.edit_reverted(task_id, None))
            return
        try:
            await self.mivb.put_tenant(applied.mivb_url, customer_id, applied.previous)
        except PlatformCallFailed as failure:
            reason = failure.reason
            log.error(
                "MiVB tenant %s at %s keeps the edit of task %s: %s", customer_id, applied.mivb_url, task_id, reason
            )
            await self.assignments.change(customer_id, cause, lambda a: a.edit_revert_failed(task_id, applied, reason))
            return
        await self.assignments.change(customer_id, cause, lambda a: a.edit_reverted(task_id, applied))

    async def _put_back(self, url: str, customer_id: str, previous: MivbTenant) -> str | None:
        """PUT by id of the whole tenant: putting the previous one back is safe even if nothing changed. Why
        it failed, if it did."""
        try:
            await self.mivb.put_tenant(url, customer_id, previous)
        except PlatformCallFailed as failure:
            log.error("MiVB tenant %s at %s not put back after a failed edit: %s", customer_id, url, failure.reason)
            return failure.reason
        return None
