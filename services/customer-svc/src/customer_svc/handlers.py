"""customer-svc's use cases: intake of commands and the steps of the create saga."""

import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from customer_svc.domain.customer import Customer, Refused, Rejected, Status
from customer_svc.domain.did_ranges import Span
from customer_svc.domain.editing import apply_changes
from customer_svc.domain.rules import validate_new_customer
from customer_svc.domain.tasks import Task, TaskStatus
from customer_svc.domain.waiting import CUSTOMER_WIDE, DID_CHANGES
from customer_svc.store import CustomerStore, decision, from_document, to_document
from mmp_contracts import CloudEvent, Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.commands import (
    ConfirmBillingChange,
    ConvertCustomerToDemo,
    CreateCustomer,
    DeleteCustomer,
    RetryRollback,
    UpdateCustomer,
)
from mmp_contracts.customer_spec import CustomerChanges, CustomerSpec
from mmp_servicekit.outbox import Cause, Decision
from mmp_servicekit.store import DuplicateKeyError

log = logging.getLogger(__name__)

Transition = Callable[[Customer, str, datetime], list[Message]]
Resumer = Callable[[str, dict[str, Any], Cause], Awaitable[object]]
WAITABLE = (*CUSTOMER_WIDE, *DID_CHANGES)


def refusing(reason: str) -> Transition:
    def refuse(customer: Customer, task_id: str, at: datetime) -> list[Message]:
        raise Refused(reason)

    return refuse


REQUESTS: dict[str, Transition] = {
    "retry-rollback": Customer.retry_rollback,
    "delete": Customer.request_deletion,
    "convert-to-demo": Customer.convert_to_demo,
}

CUSTOMER_IDS = uuid.UUID("a3c1f3d2-5b7e-4c1a-9d2e-7f6b8a9c0d1e")
"""Customer ids derive from the creating command's id, so a redelivered command finds its customer."""


@dataclass(frozen=True)
class Intake:
    customer: Customer
    duplicate: bool = False

    @property
    def webid_taken(self) -> bool:
        return any(
            v.rule == "R6" and v.field == "details.webid" and "taken" in v.message for v in self.customer.violations
        )


def webid_taken(webid: str) -> Violation:
    return Violation(field="details.webid", rule="R6", message=f"WebID {webid!r} is taken")


def now() -> datetime:
    return datetime.now(UTC)


class CustomerHandlers:
    def __init__(self, store: CustomerStore, portal_url: str) -> None:
        self.store = store
        self.portal_url = portal_url
        self.after_refusal: dict[str, list[Callable[[str, dict[str, Any]], Awaitable[None]]]] = {}
        self.resumers: dict[str, Resumer] = {
            "update": self._resume_update,
            "delete": lambda customer_id, _, cause: self.request(customer_id, cause, "delete"),
            "convert-to-demo": lambda customer_id, _, cause: self.request(customer_id, cause, "convert-to-demo"),
        }

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

    async def claim_numbers(self, customer_id: str, spec: CustomerSpec) -> list[Violation]:
        """R12 across customers: the ranges are the customer's alone on its platform group."""
        group, index = spec.platform.platform_group_id, self.store.did_index
        for position, did_range in enumerate(spec.did_ranges):
            if await index.claim(group, customer_id, Span.of(did_range.start, did_range.end)) is not None:
                await self.release_numbers(customer_id, spec)
                message = f"{did_range.start}-{did_range.end} overlaps a range of another customer on {group}"
                return [Violation(field=f"did_ranges[{position}]", rule="R12", message=message)]
        return []

    async def release_numbers(self, customer_id: str, spec: CustomerSpec) -> None:
        for did_range in spec.did_ranges:
            span = Span.of(did_range.start, did_range.end)
            await self.store.did_index.release(spec.platform.platform_group_id, customer_id, span)

    async def _release_numbers_if_gone(self, customer_id: str) -> None:
        """A FAILED or DELETED customer frees its numbers for anyone on the group (R23: no residue)."""
        customer = await self.store.get(customer_id)
        if customer is not None and not customer.status.holds_webid:
            await self.release_numbers(customer_id, customer.spec)

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

    async def request(
        self,
        customer_id: str,
        cause: Cause,
        kind: str,
        transition: Transition | None = None,
        payload: dict[str, Any] | None = None,
        span: Span | None = None,
    ) -> Task | None:
        """A request on an existing customer; the task it leaves says how it went (or why it was refused).
        R25: one that depends on unfinished work waits for it (`payload` is what it needs to run later)."""
        task_id, transitions = cause.correlation_id, transition or REQUESTS[kind]
        existing = await self.store.get(customer_id)
        if existing and any(t.task_id == task_id and t.kind != kind for t in existing.tasks) and cause.message_id:
            task_id = cause.message_id  # a BSS that reuses a correlation id must not overwrite another task

        def run(customer: Customer) -> list[Message]:
            if kind in WAITABLE and customer.wait(task_id, kind, payload or {}, span, now()):
                return []
            try:
                return transitions(customer, task_id, now())
            except Rejected as rejection:
                return customer.refuse(task_id, kind, str(rejection), now(), rejection.violations)
            except Refused as refusal:
                return customer.refuse(task_id, kind, str(refusal), now())

        if not await self.apply(customer_id, cause, run):
            return None
        await self._release_numbers_if_gone(customer_id)
        customer = await self._get(customer_id)
        return next(t for t in customer.tasks if t.task_id == task_id)

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

    async def resume_waiting(self, customer_id: str) -> None:
        """R25: runs the requests whose awaited task finished, or refuses them if it failed."""
        customer = await self.store.get(customer_id)
        for queued, awaited in customer.ready_to_resume() if customer else ():
            cause = Cause(correlation_id=queued.task_id, message_id=f"{queued.task_id}/after/{awaited.task_id}")
            if awaited.status is TaskStatus.FAILED:
                reason = f"it waited for task {awaited.task_id} ({awaited.kind}), which failed: {awaited.reason}"
                await self.request(customer_id, cause, queued.kind, refusing(reason), queued.payload)
                for settle in self.after_refusal.get(queued.kind, ()):
                    await settle(customer_id, queued.payload)
            else:
                await self.resumers[queued.kind](customer_id, queued.payload, cause)

    async def apply(self, customer_id: str, cause: Cause, transition: Callable[[Customer], list[Message]]) -> bool:
        waiting: bool | None = None

        def decide(doc: dict[str, Any]) -> Decision | None:
            nonlocal waiting
            customer = from_document(doc)
            waiting = bool(customer.queued)
            steps_before = len(customer.steps)
            emit = transition(customer)
            if not emit and len(customer.steps) == steps_before:
                return None  # every change records a step: nothing recorded, the event did not apply here
            return decision(customer, emit)

        found = await self.store.customers.mutate(customer_id, cause, decide)
        if waiting or (waiting is None and found):
            # `decide` did not run for a message already applied: a crash may have come between its write
            # and the resume, so the queue is looked at again
            await self.resume_waiting(customer_id)
        return found

    async def _get(self, customer_id: str) -> Customer:
        customer = await self.store.get(customer_id)
        if customer is None:
            raise LookupError(customer_id)
        return customer


__all__ = ["CustomerHandlers", "Intake", "Status"]
