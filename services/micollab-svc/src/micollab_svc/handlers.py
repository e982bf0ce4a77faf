"""micollab-svc's use cases: provision a customer's MiCollab tenant, remove it; edits are in updates.py."""

import logging
from collections.abc import Sequence

from micollab_svc.domain.devices import device_violations
from micollab_svc.domain.gates import gate_violations
from micollab_svc.domain.tenant import Progress, Tenant, TenantPlan, TenantState, plan_tenant, residue_line
from micollab_svc.micollab_client import MiCollabCallFailed, MiCollabClient
from micollab_svc.store import TenantStore
from micollab_svc.updates import TenantUpdates
from mmp_contracts import CloudEvent, Message
from mmp_contracts import events as ev
from mmp_servicekit.outbox import Cause

log = logging.getLogger(__name__)


class MiCollabHandlers:
    def __init__(self, store: TenantStore, micollab: MiCollabClient) -> None:
        self.store = store
        self.micollab = micollab
        self.updates = TenantUpdates(store, micollab)

    async def platform_assigned(self, event: ev.PlatformAssigned, envelope: CloudEvent) -> None:
        """Check R16-R18, then create tenant, bundles and first user; undo them all if any call fails (R20)."""
        cause, customer_id, target = Cause.of(envelope), event.customer_id, event.micollab
        if await self.store.get(customer_id) is not None:
            return  # redelivered or repeated: this customer's tenant was already decided, never provision twice
        tenant = Tenant(customer_id, TenantState.REJECTED, target.url, event.spec.details.webid)
        tenant.name = event.spec.details.name
        violations = gate_violations(event.spec.service_bundles, target)
        violations += device_violations(event.spec.hotdesk_devices, target)
        if violations:
            tenant.reason = f"MiCollab {target.url}: version {target.version} cannot carry the bundles asked for"
            failed = ev.MiCollabProvisioningFailed(customer_id=customer_id, reason=tenant.reason, violations=violations)
            await self.store.create(tenant, cause, [failed])
            return
        plan = plan_tenant(event.spec)
        try:
            await self._create(customer_id, target.url, plan, tenant.created)
        except MiCollabCallFailed as failure:
            await self._undo(tenant, failure, cause)
            return
        tenant.state = TenantState.PROVISIONED
        provisioned = ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=plan.bundle_ids)
        if not await self.store.create(tenant, cause, [provisioned]):
            await self._lost_race(customer_id, target.url)

    async def release_requested(self, event: ev.ReleaseRequested, envelope: CloudEvent) -> None:
        """Remove what this service still holds for the customer: a rollback retried (R21) or a deletion (R23).
        Reports removed when it holds nothing."""
        cause, customer_id = Cause.of(envelope), event.customer_id
        removed = ev.MiCollabTenantRemoved(customer_id=customer_id)
        tenant = await self.store.get(customer_id)
        if tenant is None:
            # A tombstone, so that a PlatformAssigned arriving after the rollback creates nothing.
            await self.store.create(Tenant(customer_id, TenantState.REMOVED, None), cause, [removed])
            return
        failure: MiCollabCallFailed | None = None
        if tenant.state.holds_tenant and tenant.micollab_url:
            try:
                await self.micollab.delete_tenant(tenant.micollab_url, customer_id)
            except MiCollabCallFailed as error:
                failure = error

        def transition(current: Tenant) -> tuple[Tenant, Sequence[Message]]:
            if not current.state.holds_tenant:
                return current, [removed]
            if failure is None:
                current.state, current.created, current.residue = TenantState.REMOVED, Progress(), []
                return current, [removed]
            current.state = TenantState.RESIDUE  # R21: still there, the SP may retry again
            current.reason = f"MiCollab {current.micollab_url}: {failure.what}"
            current.residue = [residue_line(customer_id, current.micollab_url or "")]
            return current, [
                ev.MiCollabRemovalFailed(customer_id=customer_id, reason=current.reason, residue=current.residue)
            ]

        await self.store.change(customer_id, cause, transition)

    async def _create(self, customer_id: str, url: str, plan: TenantPlan, progress: Progress) -> None:
        # PUT by id throughout: a redelivery after a crash redoes these calls harmlessly.
        await self.micollab.put_tenant(url, customer_id, plan.tenant)
        progress.tenant = True
        for bundle_id, body in plan.bundles:
            await self.micollab.put_bundle(url, customer_id, bundle_id, body)
            progress.bundles.append(bundle_id)
        await self.micollab.put_user(url, customer_id, plan.username, plan.user)
        progress.user = plan.username

    async def _lost_race(self, customer_id: str, url: str) -> None:
        """Another message recorded this customer while we were creating; keep our tenant only if it agrees."""
        winner = await self.store.get(customer_id)
        if winner is not None and winner.state.holds_tenant:
            return  # a concurrent delivery of the same PlatformAssigned: the same tenant, recorded once
        try:
            await self.micollab.delete_tenant(url, customer_id)  # e.g. a rollback tombstone came first
        except MiCollabCallFailed as failure:
            log.error("MiCollab tenant %s at %s is left over after a rollback: %s", customer_id, url, failure.what)

    async def _undo(self, tenant: Tenant, failure: MiCollabCallFailed, cause: Cause) -> None:
        """Delete the tenant (and with it its bundles and user); a failed delete is a residue (R21)."""
        url = tenant.micollab_url or ""
        tenant.state, tenant.reason = TenantState.FAILED, f"MiCollab {url}: {failure.what}"
        if tenant.created.tenant or failure.maybe_applied:
            try:
                await self.micollab.delete_tenant(url, tenant.customer_id)
                tenant.created = Progress()
            except MiCollabCallFailed as undo_failure:
                log.warning("undo of MiCollab tenant %s at %s failed: %s", tenant.customer_id, url, undo_failure.what)
                tenant.state, tenant.residue = TenantState.RESIDUE, [residue_line(tenant.customer_id, url)]
                tenant.reason += f"; undo failed: {undo_failure.what}"
        failed = ev.MiCollabProvisioningFailed(
            customer_id=tenant.customer_id, reason=tenant.reason, residue=tenant.residue
        )
        await self.store.create(tenant, cause, [failed])
