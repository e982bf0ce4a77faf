"""How a customer's parts leave the platforms: the undo reports that end a rollback (R20, R21) or a
deletion (R23), retrying a failed rollback, deleting, and converting to demo mode (R24)."""

from collections.abc import Sequence

from customer_svc.adapters.store import CustomerQueries
from customer_svc.domain.tasks import Task
from customer_svc.domain.undo import MICOLLAB, PLATFORM
from customer_svc.domain.waiting import QueuedRequest
from customer_svc.handlers.requests import CustomerRequests, now
from mmp_contracts import CloudEvent
from mmp_contracts import events as ev
from mmp_contracts.commands import ConvertCustomerToDemo, DeleteCustomer, RetryRollback
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.outbox import Cause


class LifecycleHandlers:
    def __init__(self, requests: CustomerRequests, queries: CustomerQueries) -> None:
        self.requests = requests
        self.queries = queries

    async def retry_rollback(self, command: RetryRollback, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        if await self.retry(command.customer_id, cause) is None:
            await self.requests.refuse_unknown_customer(cause, TaskKind.RETRY_ROLLBACK, command.customer_id)

    async def retry(self, customer_id: str, cause: Cause) -> Task | None:
        return await self.requests.take(
            customer_id,
            cause,
            TaskKind.RETRY_ROLLBACK,
            lambda customer, task_id, at: customer.retry_rollback(task_id, at),
        )

    async def delete_customer(self, command: DeleteCustomer, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        if await self.delete(command.customer_id, cause) is None:
            await self.requests.refuse_unknown_customer(cause, TaskKind.DELETE, command.customer_id)

    async def delete(self, customer_id: str, cause: Cause) -> Task | None:
        return await self.requests.take(
            customer_id, cause, TaskKind.DELETE, lambda customer, task_id, at: customer.request_deletion(task_id, at)
        )

    async def resume_deletion(self, customer_id: str, queued: QueuedRequest, cause: Cause) -> None:
        await self.delete(customer_id, cause)

    async def convert_customer_to_demo(self, command: ConvertCustomerToDemo, envelope: CloudEvent) -> None:
        cause, customer = Cause.of(envelope), await self.queries.live_with_webid(command.webid)
        if customer is None:
            await self.requests.refuse_unknown_webid(cause, TaskKind.CONVERT_TO_DEMO, command.webid)
            return
        await self.convert_to_demo(customer.customer_id, cause)

    async def convert_to_demo(self, customer_id: str, cause: Cause) -> Task | None:
        return await self.requests.take(
            customer_id,
            cause,
            TaskKind.CONVERT_TO_DEMO,
            lambda customer, task_id, at: customer.convert_to_demo(task_id, at),
        )

    async def resume_demo_conversion(self, customer_id: str, queued: QueuedRequest, cause: Cause) -> None:
        await self.convert_to_demo(customer_id, cause)

    async def platform_released(self, event: ev.PlatformReleased, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, PLATFORM, [], "MiVoice Business and MBG cleaned")

    async def platform_release_failed(self, event: ev.PlatformReleaseFailed, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, PLATFORM, event.residue, event.reason)

    async def micollab_tenant_removed(self, event: ev.MiCollabTenantRemoved, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, MICOLLAB, [], "MiCollab cleaned")

    async def micollab_removal_failed(self, event: ev.MiCollabRemovalFailed, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, MICOLLAB, event.residue, event.reason)

    async def _undo_reported(
        self, customer_id: str, envelope: CloudEvent, part: str, residue: Sequence[str], detail: str
    ) -> None:
        await self.requests.apply(
            customer_id, Cause.of(envelope), lambda c: c.undo_reported(part, residue, detail, now())
        )
