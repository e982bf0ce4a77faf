"""Remove what this service still holds for a customer: a rollback retried (R21) or a deletion (R23)."""

from micollab_svc.adapters.micollab import MiCollab
from micollab_svc.domain.tenant import Tenant
from mmp_contracts import CloudEvent
from mmp_contracts import events as ev
from mmp_servicekit.outbox import Cause
from mmp_servicekit.platform_http import PlatformCallFailed
from mmp_servicekit.repository import Repository


class RemovalHandlers:
    def __init__(self, tenants: Repository[Tenant], micollab: MiCollab) -> None:
        self.tenants = tenants
        self.micollab = micollab

    async def release_requested(self, event: ev.ReleaseRequested, envelope: CloudEvent) -> None:
        """RollbackRetryRequested and CustomerDeletionRequested alike; reports removed when nothing is held."""
        cause, customer_id = Cause.of(envelope), event.customer_id
        tenant = await self.tenants.get(customer_id)
        if tenant is None:
            tombstone = Tenant.tombstone(customer_id)
            await self.tenants.create(tombstone, cause, tombstone.release(None))
            return
        failure: str | None = None
        url = tenant.held_at()
        if url:
            try:
                await self.micollab.delete_tenant(url, customer_id)
            except PlatformCallFailed as error:
                failure = error.reason
        await self.tenants.change(customer_id, cause, lambda current: current.release(failure))
