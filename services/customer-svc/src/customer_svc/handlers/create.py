"""The create saga, customer-svc's side (R20): the intake of CreateCustomer, then the participants' reports
that activate the customer or fail it, and the welcome mail's outcome."""

import uuid
from collections.abc import Sequence

from customer_svc.adapters.did_index import DidIndex
from customer_svc.adapters.store import WEBID_HOLDER, Catalogue, CustomerQueries
from customer_svc.domain.customer import Customer
from customer_svc.domain.rules import numbers_taken, validate_new_customer, webid_taken
from customer_svc.handlers.requests import CustomerRequests, now
from mmp_contracts import CloudEvent, Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import CustomerSpec
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from mmp_servicekit.store import DuplicateKey

CUSTOMER_IDS = uuid.UUID("a3c1f3d2-5b7e-4c1a-9d2e-7f6b8a9c0d1e")
"""Customer ids derive from the creating command (its source and id: two BSSs may use the same id), so a
redelivered command finds its customer."""


class CreateHandlers:
    def __init__(
        self,
        requests: CustomerRequests,
        customers: Repository[Customer],
        queries: CustomerQueries,
        catalogue: Catalogue,
        index: DidIndex,
        portal_url: str,
    ) -> None:
        self.requests = requests
        self.customers = customers
        self.queries = queries
        self.catalogue = catalogue
        self.index = index
        self.portal_url = portal_url

    async def create_customer(self, command: CreateCustomer, envelope: CloudEvent) -> None:
        await self.create(command, Cause.of(envelope))

    async def create(self, command: CreateCustomer, cause: Cause) -> Customer:
        """R1, R6, R7, R10, R12-R14 at intake: the customer PROVISIONING and CustomerRequested, or REJECTED
        naming every field and rule it breaks. A redelivered command finds the customer it made."""
        customer_id = str(uuid.uuid5(CUSTOMER_IDS, cause.applied_key or cause.correlation_id))
        existing = await self.customers.get(customer_id)
        if existing is not None:
            return existing
        spec = command.spec()
        catalogue = await self.catalogue.bundles()
        violations = validate_new_customer(spec, catalogue, await self.catalogue.platform_groups())
        if not violations:
            violations = await self._held_by_others(customer_id, spec)
        if not violations:
            customer, events = Customer.request(customer_id, cause.correlation_id, spec, catalogue, now())
            try:
                return await self._stored(customer, events, cause)
            except DuplicateKey as taken:
                if taken.field != WEBID_HOLDER:
                    raise
                # the same command delivered twice at once: the store may name the WebID rather than the id
                mine = await self.customers.get(customer_id)
                if mine is not None:
                    return mine
                # a concurrent create took the WebID after our look-up (R6)
                await self.index.release(spec.platform.platform_group_id, customer_id, *spec.did_ranges)
                violations = [webid_taken(spec.details.webid)]
        customer, events = Customer.reject(customer_id, cause.correlation_id, spec, violations, now())
        return await self._stored(customer, events, cause)

    async def platform_assigned(self, event: ev.PlatformAssigned, envelope: CloudEvent) -> None:
        await self.requests.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.platform_assigned(event.platform_group_id, now())
        )

    async def platform_assignment_failed(self, event: ev.PlatformAssignmentFailed, envelope: CloudEvent) -> None:
        await self.requests.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.platform_assignment_failed(event, now())
        )

    async def micollab_tenant_provisioned(self, event: ev.MiCollabTenantProvisioned, envelope: CloudEvent) -> None:
        await self.requests.apply(
            event.customer_id,
            Cause.of(envelope),
            lambda c: c.micollab_provisioned(event.bundles, self.portal_url, now()),
        )

    async def micollab_provisioning_failed(self, event: ev.MiCollabProvisioningFailed, envelope: CloudEvent) -> None:
        await self.requests.apply(event.customer_id, Cause.of(envelope), lambda c: c.micollab_failed(event, now()))

    async def welcome_mail_sent(self, event: ev.WelcomeMailSent, envelope: CloudEvent) -> None:
        await self.requests.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.welcome_mail_reported("sent", now())
        )

    async def welcome_mail_failed(self, event: ev.WelcomeMailFailed, envelope: CloudEvent) -> None:
        outcome = f"failed: {event.reason}"
        await self.requests.apply(
            event.customer_id, Cause.of(envelope), lambda c: c.welcome_mail_reported(outcome, now())
        )

    async def _held_by_others(self, customer_id: str, spec: CustomerSpec) -> list[Violation]:
        """R6 and R12 across customers: the WebID and the numbers are no one else's. The numbers are taken
        for this customer here, and given back if any of them is another's."""
        if await self.queries.live_with_webid(spec.details.webid) is not None:
            return [webid_taken(spec.details.webid)]
        group = spec.platform.platform_group_id
        for position, did_range in enumerate(spec.did_ranges):
            if await self.index.claim(group, customer_id, did_range) is not None:
                await self.index.release(group, customer_id, *spec.did_ranges)
                return [numbers_taken(f"did_ranges[{position}]", did_range, group)]
        return []

    async def _stored(self, customer: Customer, events: Sequence[Message], cause: Cause) -> Customer:
        if await self.customers.create(customer, cause, events):
            return customer
        stored = await self.customers.get(customer.customer_id)  # a redelivery got there first
        if stored is None:
            raise LookupError(customer.customer_id)
        return stored
