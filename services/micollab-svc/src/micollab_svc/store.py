"""micollab-svc's MongoDB documents: the only module that knows their shape."""

from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import Any

from micollab_svc.domain.tenant import Progress, Tenant, TenantState
from mmp_contracts import Message
from mmp_servicekit.outbox import Aggregates, Cause, Decision, already_applied
from mmp_servicekit.store import DuplicateKeyError

Transition = Callable[[Tenant], tuple[Tenant, Sequence[Message]] | None]
"""Given the stored tenant: its next version and the events to emit, or None to leave it alone."""


def to_document(tenant: Tenant) -> dict[str, Any]:
    return {
        "_id": tenant.customer_id,
        "state": tenant.state.value,
        "micollab_url": tenant.micollab_url,
        "webid": tenant.webid,
        "created": asdict(tenant.created),
        "reason": tenant.reason,
        "residue": list(tenant.residue),
        "name": tenant.name,
        "last_update_task": tenant.last_update_task,
    }


def from_document(doc: dict[str, Any]) -> Tenant:
    return Tenant(
        customer_id=doc["_id"],
        state=TenantState(doc["state"]),
        micollab_url=doc.get("micollab_url"),
        webid=doc.get("webid"),
        created=Progress(**doc.get("created", {})),
        reason=doc.get("reason"),
        residue=list(doc.get("residue", [])),
        name=doc.get("name"),
        last_update_task=doc.get("last_update_task"),
    )


class TenantStore:
    def __init__(self, tenants: Aggregates) -> None:
        self.tenants = tenants

    async def create_indexes(self) -> None:
        # Finds what a failed undo left behind, for an operator or a later sweep (R21).
        await self.tenants.collection.create_index("state")

    async def get(self, customer_id: str) -> Tenant | None:
        doc = await self.tenants.get(customer_id)
        return from_document(doc) if doc else None

    async def applied(self, customer_id: str, cause: Cause) -> bool:
        """Whether this message was already applied to the customer's tenant (a redelivery)."""
        return already_applied(await self.tenants.get(customer_id), cause)

    async def create(self, tenant: Tenant, cause: Cause, emit: Sequence[Message]) -> bool:
        """Record a new tenant and its events in one write; False if this customer already has one."""
        try:
            await self.tenants.insert(to_document(tenant), cause, emit)
        except DuplicateKeyError as error:
            if "_id" in ((error.details or {}).get("keyPattern") or {"_id": 1}):
                return False  # a concurrent or earlier delivery got there first
            raise
        return True

    async def change(self, customer_id: str, cause: Cause, transition: Transition) -> bool:
        """Apply a guarded transition (a duplicate message is a no-op); False if there is no such tenant."""

        def decide(doc: dict[str, Any]) -> Decision | None:
            outcome = transition(from_document(doc))
            if outcome is None:
                return None
            tenant, emit = outcome
            changes = to_document(tenant)
            del changes["_id"]
            return Decision(changes=changes, emit=emit)

        return await self.tenants.mutate(customer_id, cause, decide)
