"""customer-svc's use cases: the intake of commands and the steps of every saga it owns."""

import logging
import uuid
from datetime import datetime
from typing import Any

from customer_svc.customer_requests import CUSTOMER_IDS, CustomerRequests, Intake, now, webid_taken
from customer_svc.domain.customer import Customer
from customer_svc.domain.editing import apply_changes
from customer_svc.domain.rules import validate_new_customer
from customer_svc.domain.tasks import Task
from customer_svc.store import CustomerStore, to_document
from mmp_contracts import CloudEvent, Message
from mmp_contracts import events as ev
from mmp_contracts.commands import (
    ConfirmBillingChange,
    ConvertCustomerToDemo,
    CreateCustomer,
    DeleteCustomer,
    RetryRollback,
    UpdateCustomer,
)
from mmp_contracts.customer_spec import CustomerChanges
from mmp_servicekit.outbox import Cause
from mmp_servicekit.store import DuplicateKeyError

log = logging.getLogger(__name__)


class CustomerHandlers(CustomerRequests):
    def __init__(self, store: CustomerStore, portal_url: str) -> None:
        super().__init__(store, portal_url)
        self.resumers["update"] = self._resume_update

    async def _resume_update(self, customer_id: str, payload: dict[str, Any], cause: Cause) -> Task | None:
        changes = CustomerChanges.model_validate(payload["changes"])
        return await self.update(UpdateCustomer(customer_id=customer_id, changes=changes), cause)

    async def create_customer(self, command: CreateCustomer, envelope: CloudEvent) -> None:
        await self.intake(command, Cause.of(envelope))

    async def intake(self, command: CreateCustomer, cause: Cause) -> Intake:
        """Validate R1 (bundles), R6, R7, R10, R12-R14, store PROVISIONING and emit CustomerRequested."""
        customer_id = str(uuid.uuid5(CUSTOMER_IDS, cause.message_id or cause.correlation_id))
        task_id = cause.correlation_id
        existing = await self.store.get(customer_id)
        if existing:
            return Intake(existing, duplicate=True)
        spec = command.spec()
        catalogue, groups = await self.store.catalogue(), await self.store.platform_groups_known()
        violations = validate_new_customer(spec, catalogue, groups)
        if not violations and await self.store.live_with_webid(spec.details.webid):
            violations = [webid_taken(spec.details.webid)]
        if not violations:
            violations = await self.claim_numbers(customer_id, spec)
        if not violations:
            customer, emit = Customer.request(customer_id, task_id, spec, catalogue, now())
            try:
                await self.store.customers.insert(to_document(customer), cause, emit)
                return Intake(customer)
            except DuplicateKeyError as error:
                # mongomock names no key for a duplicate _id; MongoDB does
                if "_id" in ((error.details or {}).get("keyPattern") or {"_id": 1}):
                    return Intake(await self._get(customer_id), duplicate=True)
                await self.release_numbers(customer_id, spec)
            violations = [webid_taken(spec.details.webid)]
        customer, emit = Customer.reject(customer_id, task_id, spec, violations, now())
        try:
            await self.store.customers.insert(to_document(customer), cause, emit)
        except DuplicateKeyError:
            return Intake(await self._get(customer_id), duplicate=True)
        return Intake(customer)

    async def platform_group_created(self, event: ev.PlatformGroupCreated, envelope: CloudEvent) -> None:
        await self.store.remember_platform_group(event.platform_group_id, event.name)

    async def platform_group_deleted(self, event: ev.PlatformGroupDeleted, envelope: CloudEvent) -> None:
        await self.store.forget_platform_group(event.platform_group_id)

    async def retry_rollback(self, command: RetryRollback, envelope: CloudEvent) -> None:
        await self.request(command.customer_id, Cause.of(envelope), "retry-rollback")

    async def delete_customer(self, command: DeleteCustomer, envelope: CloudEvent) -> None:
        await self.request(command.customer_id, Cause.of(envelope), "delete")

    async def convert_to_demo(self, command: ConvertCustomerToDemo, envelope: CloudEvent) -> None:
        customer = await self.store.live_with_webid(command.webid)
        if customer is None:
            log.warning("convertCustomerToDemoMode: no live customer has WebID %r", command.webid)
            return
        await self.request(customer.customer_id, Cause.of(envelope), "convert-to-demo")

    async def update_customer(self, command: UpdateCustomer, envelope: CloudEvent) -> None:
        await self.update(command, Cause.of(envelope))

    async def update(self, command: UpdateCustomer, cause: Cause) -> Task | None:
        """R22: validated as a whole against the rules of a new customer, then carried to the platforms."""
        catalogue, groups = await self.store.catalogue(), await self.store.platform_groups_known()

        def edit(customer: Customer, task_id: str, at: datetime) -> list[Message]:
            after = apply_changes(customer.spec, command.changes)
            terms = customer.terms(catalogue)
            return customer.request_update(task_id, after, validate_new_customer(after, terms, groups), terms, at)

        payload = {"changes": command.changes.model_dump(mode="json", exclude_unset=True)}
        return await self.request(command.customer_id, cause, "update", edit, payload)

    async def confirm_billing_change(self, command: ConfirmBillingChange, envelope: CloudEvent) -> None:
        def confirm(customer: Customer, task_id: str, at: datetime) -> list[Message]:
            return customer.confirm_billing_change(task_id, command.task_id, command.accept, at)

        await self.request(command.customer_id, Cause.of(envelope), "confirm-billing-change", confirm)

    async def platform_assigned(self, event: ev.PlatformAssigned, envelope: CloudEvent) -> None:
        await self.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.platform_assigned(event.platform_group_id, now())
        )

    async def platform_assignment_failed(self, event: ev.PlatformAssignmentFailed, envelope: CloudEvent) -> None:
        await self.apply(event.customer_id, Cause.of(envelope), lambda c: c.platform_assignment_failed(event, now()))
        await self._release_numbers_if_gone(event.customer_id)

    async def micollab_provisioned(self, event: ev.MiCollabTenantProvisioned, envelope: CloudEvent) -> None:
        await self.apply(
            event.customer_id,
            Cause.of(envelope),
            lambda c: c.micollab_provisioned(event.bundles, self.portal_url, now()),
        )

    async def micollab_failed(self, event: ev.MiCollabProvisioningFailed, envelope: CloudEvent) -> None:
        await self.apply(event.customer_id, Cause.of(envelope), lambda c: c.micollab_failed(event, now()))

    async def platform_released(self, event: ev.PlatformReleased, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, "platform", [], "MiVoice Business and MBG cleaned")

    async def platform_release_failed(self, event: ev.PlatformReleaseFailed, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, "platform", event.residue, event.reason)

    async def micollab_removed(self, event: ev.MiCollabTenantRemoved, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, "micollab", [], "MiCollab cleaned")

    async def micollab_removal_failed(self, event: ev.MiCollabRemovalFailed, envelope: CloudEvent) -> None:
        await self._undo_reported(event.customer_id, envelope, "micollab", event.residue, event.reason)

    async def platform_update_failed(self, event: ev.PlatformUpdateFailed, envelope: CloudEvent) -> None:
        await self.apply(
            event.customer_id,
            Cause.of(envelope),
            lambda c: c.update_step_failed(event.reason, list(event.violations), now(), undone=True),
        )

    async def micollab_update_failed(self, event: ev.MiCollabUpdateFailed, envelope: CloudEvent) -> None:
        await self.apply(
            event.customer_id,
            Cause.of(envelope),
            lambda c: c.update_step_failed(event.reason, list(event.violations), now(), undone=False),
        )

    async def micollab_updated(self, event: ev.MiCollabUpdated, envelope: CloudEvent) -> None:
        await self.apply(event.customer_id, Cause.of(envelope), lambda c: c.update_applied(now()))

    async def platform_update_reverted(self, event: ev.PlatformUpdateReverted, envelope: CloudEvent) -> None:
        await self.apply(event.customer_id, Cause.of(envelope), lambda c: c.update_reverted([], now()))

    async def platform_update_revert_failed(self, event: ev.PlatformUpdateRevertFailed, envelope: CloudEvent) -> None:
        await self.apply(event.customer_id, Cause.of(envelope), lambda c: c.update_reverted(event.residue, now()))

    async def welcome_mail_sent(self, event: ev.WelcomeMailSent, envelope: CloudEvent) -> None:
        await self.apply(event.customer_id, Cause.of(envelope), lambda c: c.welcome_mail_reported("sent", now()))

    async def welcome_mail_failed(self, event: ev.WelcomeMailFailed, envelope: CloudEvent) -> None:
        outcome = f"failed: {event.reason}"
        await self.apply(event.customer_id, Cause.of(envelope), lambda c: c.welcome_mail_reported(outcome, now()))

    async def _undo_reported(
        self, customer_id: str, envelope: CloudEvent, part: str, residue: list[str], detail: str
    ) -> None:
        await self.apply(customer_id, Cause.of(envelope), lambda c: c.undo_reported(part, residue, detail, now()))
        await self._release_numbers_if_gone(customer_id)
