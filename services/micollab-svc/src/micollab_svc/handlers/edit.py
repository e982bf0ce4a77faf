"""micollab-svc's part of the edit saga (R22): carry the MiCollab side of an edit, or leave MiCollab as it was."""

import logging

from micollab_svc.adapters.micollab import MiCollab
from micollab_svc.domain.edit import Step, put_back
from micollab_svc.domain.tenant import NO_TENANT, Refused, Tenant
from mmp_contracts import CloudEvent
from mmp_contracts import events as ev
from mmp_servicekit.outbox import Cause
from mmp_servicekit.platform_http import PlatformCallFailed
from mmp_servicekit.repository import Repository

log = logging.getLogger(__name__)


class EditHandlers:
    def __init__(self, tenants: Repository[Tenant], micollab: MiCollab) -> None:
        self.tenants = tenants
        self.micollab = micollab

    async def platform_updated(self, event: ev.PlatformUpdated, envelope: CloudEvent) -> None:
        """MiVB and MBG carry the edit; now MiCollab: gate what is new (R16-R19), apply it, and put back
        what was applied if a call fails."""
        cause, customer_id, task_id = Cause.of(envelope), event.customer_id, event.task_id
        tenant = await self.tenants.get(customer_id)
        if tenant is None:
            # A tombstone, as for a rollback of an unknown customer: nothing may be created for it afterwards.
            tombstone = Tenant.tombstone(customer_id)
            await self.tenants.create(tombstone, cause, tombstone.edit_refused(task_id, Refused(NO_TENANT)) or [])
            return
        if tenant.decided(task_id):
            return  # redelivered, or the same edit in a new envelope: decided once, never applied twice
        try:
            steps = tenant.plan_edit(event)
        except Refused as refused:
            await self._refused(customer_id, cause, task_id, refused)
            return
        failed = await self._apply(tenant.micollab_url or "", customer_id, steps)
        if failed is None:
            await self.tenants.change(customer_id, cause, lambda current: current.edited(event))
            return
        reason, put_back_failures = failed
        await self.tenants.change(
            customer_id, cause, lambda current: current.edit_put_back(task_id, reason, put_back_failures)
        )

    async def _refused(self, customer_id: str, cause: Cause, task_id: str, refused: Refused) -> None:
        await self.tenants.change(customer_id, cause, lambda current: current.edit_refused(task_id, refused))

    async def _apply(self, url: str, customer_id: str, steps: list[Step]) -> tuple[str, list[str]] | None:
        """The steps in order; if one fails, what was done is put back: then why, and what stayed changed."""
        done: list[Step] = []
        for step in steps:
            try:
                await self.micollab.apply(url, customer_id, step)
            except PlatformCallFailed as failure:
                return failure.reason, await self._put_back(
                    url, customer_id, put_back(done, step, failure.maybe_applied)
                )
            done.append(step)
        return None

    async def _put_back(self, url: str, customer_id: str, steps: list[Step]) -> list[str]:
        """Every step, even after one fails; what could not be put back."""
        failures = []
        for step in steps:
            try:
                await self.micollab.apply(url, customer_id, step)
            except PlatformCallFailed as failure:
                failures.append(failure.problem)
        if failures:
            log.error("MiCollab tenant %s at %s not fully put back after a failed edit: %s", customer_id, url, failures)
        return failures
