"""Editing a customer (R22), with the customer's confirmation of billing changes (R27)."""

from customer_svc.adapters.store import Catalogue
from customer_svc.domain.customer import Customer
from customer_svc.domain.tasks import Task
from customer_svc.domain.waiting import QueuedRequest
from customer_svc.handlers.requests import CustomerRequests, now
from mmp_contracts import CloudEvent, Violation
from mmp_contracts import events as ev
from mmp_contracts.commands import ConfirmBillingChange, UpdateCustomer
from mmp_contracts.customer_spec import CustomerChanges
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.outbox import Cause


class EditHandlers:
    def __init__(self, requests: CustomerRequests, catalogue: Catalogue) -> None:
        self.requests = requests
        self.catalogue = catalogue

    async def update_customer(self, command: UpdateCustomer, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        if await self.update(command.customer_id, command.changes, cause) is None:
            await self.requests.refuse_unknown_customer(cause, TaskKind.UPDATE, command.customer_id)

    async def update(self, customer_id: str, changes: CustomerChanges, cause: Cause) -> Task | None:
        """R22: carried to the platforms once the customer after it passes the rules of a new one."""
        catalogue, groups = await self.catalogue.bundles(), await self.catalogue.platform_groups()
        return await self.requests.take(
            customer_id,
            cause,
            TaskKind.UPDATE,
            lambda customer, task_id, at: customer.request_update(task_id, changes, catalogue, groups, at),
            changes=changes,
        )

    async def violations(self, customer: Customer, changes: CustomerChanges) -> list[Violation]:
        """What the edit would break as the customer stands now, for the API to refuse before it is queued."""
        catalogue, groups = await self.catalogue.bundles(), await self.catalogue.platform_groups()
        return customer.update_violations(changes, catalogue, groups)

    async def resume_update(self, customer_id: str, queued: QueuedRequest, cause: Cause) -> None:
        if queued.changes is None:
            raise ValueError(f"the queued edit {queued.task_id} carries no changes")
        await self.update(customer_id, queued.changes, cause)

    async def confirm_billing_change(self, command: ConfirmBillingChange, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        if await self.confirm(command.customer_id, command.task_id, command.accept, cause) is None:
            await self.requests.refuse_unknown_customer(cause, TaskKind.CONFIRM_BILLING_CHANGE, command.customer_id)

    async def confirm(self, customer_id: str, edit_task_id: str, accept: bool, cause: Cause) -> Task | None:
        """R27: the customer accepts or rejects the edit waiting for it. Returns the answer's own task."""
        return await self.requests.take(
            customer_id,
            cause,
            TaskKind.CONFIRM_BILLING_CHANGE,
            lambda customer, task_id, at: customer.confirm_billing_change(task_id, edit_task_id, accept, at),
        )

    async def micollab_updated(self, event: ev.MiCollabUpdated, envelope: CloudEvent) -> None:
        await self.requests.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.update_applied(event.task_id, now())
        )

    async def platform_update_failed(self, event: ev.PlatformUpdateFailed, envelope: CloudEvent) -> None:
        """platform-svc applied nothing of it: the edit ends here."""
        await self.requests.apply(
            event.customer_id,
            Cause.of(envelope),
            lambda c: c.update_step_failed(event.task_id, event.reason, event.violations, now(), undone=True),
        )

    async def micollab_update_failed(self, event: ev.MiCollabUpdateFailed, envelope: CloudEvent) -> None:
        """platform-svc puts its part back next, and says so."""
        await self.requests.apply(
            event.customer_id,
            Cause.of(envelope),
            lambda c: c.update_step_failed(event.task_id, event.reason, event.violations, now(), undone=False),
        )

    async def platform_update_reverted(self, event: ev.PlatformUpdateReverted, envelope: CloudEvent) -> None:
        await self.requests.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.update_reverted(event.task_id, [], now())
        )

    async def platform_update_revert_failed(self, event: ev.PlatformUpdateRevertFailed, envelope: CloudEvent) -> None:
        await self.requests.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.update_reverted(event.task_id, event.residue, now())
        )
