"""micollab-svc's part of the edit saga (R22): carry the MiCollab side of an edit, or leave MiCollab as it was."""

import logging

from micollab_svc.domain.edit import Item, Step, edit_violations, plan_edit
from micollab_svc.domain.tenant import Tenant, TenantState
from micollab_svc.micollab_client import MiCollabCallFailed, MiCollabClient
from micollab_svc.store import TenantStore, Transition
from mmp_contracts import CloudEvent, Message
from mmp_contracts import events as ev
from mmp_servicekit.outbox import Cause

log = logging.getLogger(__name__)

NO_TENANT = "no MiCollab tenant for this customer"


class TenantUpdates:
    def __init__(self, store: TenantStore, micollab: MiCollabClient) -> None:
        self.store = store
        self.micollab = micollab

    async def platform_updated(self, event: ev.PlatformUpdated, envelope: CloudEvent) -> None:
        """MiVB and MBG carry the edit; now MiCollab: gate what is new (R16-R19), apply it, and put back
        what was applied if a call fails (R22)."""
        cause, customer_id, task_id = Cause.of(envelope), event.customer_id, event.task_id
        if await self.store.applied(customer_id, cause):
            return  # redelivered: its outcome is already recorded and emitted
        tenant = await self.store.get(customer_id)
        if tenant is not None and tenant.last_update_task == task_id:
            return  # the same edit in a new envelope: decided once, never applied twice
        if tenant is None or tenant.state is not TenantState.PROVISIONED or not tenant.micollab_url:
            await self._no_tenant(event, tenant, cause)
            return
        url = tenant.micollab_url
        violations = edit_violations(event.before, event.after, event.micollab)
        if violations:
            reason = f"MiCollab {url}: version {event.micollab.version} cannot carry the bundles asked for"
            failed = ev.MiCollabUpdateFailed(
                customer_id=customer_id, task_id=task_id, reason=reason, violations=violations
            )
            await self.store.change(customer_id, cause, self._decided(event, failed))
            return
        touched: list[Step] = []
        try:
            for step in plan_edit(event.before, event.after):
                touched.append(step)  # before the call: a call that may have acted is put back too
                await self._call(url, customer_id, step)
        except MiCollabCallFailed as failure:
            if not failure.maybe_applied:
                touched.pop()
            reason = f"MiCollab {url}: {failure.what}" + await self._put_back(url, customer_id, touched)
            failed = ev.MiCollabUpdateFailed(customer_id=customer_id, task_id=task_id, reason=reason)
            await self.store.change(customer_id, cause, self._decided(event, failed))
            return
        updated = ev.MiCollabUpdated(customer_id=customer_id, task_id=task_id)
        await self.store.change(customer_id, cause, self._decided(event, updated, applied=True))

    async def _call(self, url: str, customer_id: str, step: Step) -> None:
        # PUT by id and tolerant DELETE: a redelivery after a crash redoes these harmlessly.
        if step.do is None:
            await self.micollab.delete_bundle(url, customer_id, step.key)  # an edit never deletes the tenant
        elif step.item is Item.TENANT:
            await self.micollab.put_tenant(url, customer_id, step.do)
        else:
            await self.micollab.put_bundle(url, customer_id, step.key, step.do)

    async def _put_back(self, url: str, customer_id: str, touched: list[Step]) -> str:
        """Undo in reverse order, every step even if one fails; what could not be put back, for the reason."""
        failures = []
        for step in reversed(touched):
            try:
                await self._call(url, customer_id, step.undone())
            except MiCollabCallFailed as failure:
                failures.append(failure.what)
        if not failures:
            return ""
        log.error("MiCollab tenant %s at %s not fully put back after a failed edit: %s", customer_id, url, failures)
        return "; put back failed: " + "; ".join(failures)

    async def _no_tenant(self, event: ev.PlatformUpdated, tenant: Tenant | None, cause: Cause) -> None:
        failed = ev.MiCollabUpdateFailed(customer_id=event.customer_id, task_id=event.task_id, reason=NO_TENANT)
        if tenant is not None:
            await self.store.change(event.customer_id, cause, self._decided(event, failed))
            return
        # A tombstone, as for a rollback of an unknown customer: nothing may be created for it afterwards.
        tombstone = Tenant(event.customer_id, TenantState.REMOVED, None, last_update_task=event.task_id)
        await self.store.create(tombstone, cause, [failed])

    @staticmethod
    def _decided(event: ev.PlatformUpdated, outcome: Message, applied: bool = False) -> Transition:
        def transition(current: Tenant) -> tuple[Tenant, list[Message]] | None:
            if current.last_update_task == event.task_id:
                return None  # a concurrent delivery of the same task recorded it first
            current.last_update_task = event.task_id
            if applied:
                current.name = event.after.details.name
                current.created.bundles = [bundle.bundle_id for bundle in event.after.service_bundles]
            return current, [outcome]

        return transition
