"""Provision a customer's MiCollab tenant on PlatformAssigned: gates first (R16-R19), then tenant, bundles
and first user; if a call fails, delete what was made (R20), or report what is left (R21)."""

import logging

from micollab_svc.adapters.micollab import MiCollab
from micollab_svc.domain.plan import TenantPlan
from micollab_svc.domain.tenant import Refused, Tenant
from mmp_contracts import CloudEvent, Message
from mmp_contracts import events as ev
from mmp_servicekit.outbox import Cause
from mmp_servicekit.platform_http import PlatformCallFailed
from mmp_servicekit.repository import Repository

log = logging.getLogger(__name__)


class ProvisioningHandlers:
    def __init__(self, tenants: Repository[Tenant], micollab: MiCollab) -> None:
        self.tenants = tenants
        self.micollab = micollab

    async def platform_assigned(self, event: ev.PlatformAssigned, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        if await self.tenants.get(event.customer_id) is not None:
            return  # redelivered or repeated: this customer's tenant was already decided, never provision twice
        tenant = Tenant.assigned(event)
        try:
            plan = tenant.plan(event.spec, event.micollab)
        except Refused as refused:
            await self.tenants.create(tenant, cause, tenant.reject(refused))
            return
        try:
            await self._create(tenant, event.micollab.url, plan)
        except PlatformCallFailed as failure:
            await self.tenants.create(tenant, cause, await self._undo(tenant, event.micollab.url, failure))
            return
        if not await self.tenants.create(tenant, cause, tenant.provisioned(plan)):
            await self._lost_race(tenant.customer_id, event.micollab.url)

    async def _create(self, tenant: Tenant, url: str, plan: TenantPlan) -> None:
        await self.micollab.put_tenant(url, tenant.customer_id, plan.tenant)
        tenant.tenant_created()
        for bundle_id, body in plan.bundles:
            await self.micollab.put_bundle(url, tenant.customer_id, bundle_id, body)
            tenant.bundle_created(bundle_id)
        await self.micollab.put_user(url, tenant.customer_id, plan.username, plan.user)
        tenant.user_created(plan.username)

    async def _undo(self, tenant: Tenant, url: str, failure: PlatformCallFailed) -> list[Message]:
        """Delete the tenant, and with it its bundles and user."""
        if not tenant.needs_undo(failure.maybe_applied):
            return tenant.provisioning_failed(failure.reason)
        try:
            await self.micollab.delete_tenant(url, tenant.customer_id)
        except PlatformCallFailed as undo_failure:
            log.warning("undo of MiCollab tenant %s at %s failed: %s", tenant.customer_id, url, undo_failure.reason)
            return tenant.provisioning_failed(failure.reason, undo_failure.problem)
        return tenant.provisioning_failed(failure.reason)

    async def _lost_race(self, customer_id: str, url: str) -> None:
        """Another message recorded this customer while we were creating; keep our tenant only if it agrees."""
        winner = await self.tenants.get(customer_id)
        if winner is not None and winner.held_at():
            return  # a concurrent delivery of the same PlatformAssigned: the same tenant, recorded once
        try:
            await self.micollab.delete_tenant(url, customer_id)  # e.g. a rollback tombstone came first
        except PlatformCallFailed as failure:
            log.error("MiCollab tenant %s at %s is left over after a rollback: %s", customer_id, url, failure.reason)
