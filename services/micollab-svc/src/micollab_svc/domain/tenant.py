"""A customer's tenant on MiCollab: what to create there, what was created, and its states."""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from mmp_contracts.customer_spec import BundleAllocation, CustomerSpec

JsonObject = dict[str, Any]


class TenantState(StrEnum):
    PROVISIONED = "PROVISIONED"
    """Tenant, bundles and first user exist on MiCollab."""
    REJECTED = "REJECTED"
    """A version gate failed (R16-R18): nothing was created."""
    FAILED = "FAILED"
    """A MiCollab call failed and the undo left nothing behind."""
    RESIDUE = "RESIDUE"
    """A MiCollab call failed and so did the undo: the tenant may still be there (R21)."""
    REMOVED = "REMOVED"
    """Removed by a rollback retry, or a tombstone: this customer was rolled back before we acted."""

    @property
    def holds_tenant(self) -> bool:
        return self in (TenantState.PROVISIONED, TenantState.RESIDUE)


@dataclass
class Progress:
    """What this service created on MiCollab so far, recorded so a residue can be described."""

    tenant: bool = False
    bundles: list[str] = field(default_factory=list)
    user: str | None = None


@dataclass
class Tenant:
    customer_id: str
    state: TenantState
    micollab_url: str | None
    webid: str | None = None
    created: Progress = field(default_factory=Progress)
    reason: str | None = None
    residue: list[str] = field(default_factory=list)
    name: str | None = None
    last_update_task: str | None = None
    """The task id of the last edit decided here (R22): a repeated task is not applied again."""


@dataclass(frozen=True)
class TenantPlan:
    """The MiCollab requests of one customer, in order: tenant, each bundle, the first user."""

    tenant: JsonObject
    bundles: list[tuple[str, JsonObject]]
    username: str
    user: JsonObject

    @property
    def bundle_ids(self) -> list[str]:
        return [bundle_id for bundle_id, _ in self.bundles]


def plan_tenant(spec: CustomerSpec) -> TenantPlan:
    # The user carries no password: the welcome mail's one-time link sets it (R26).
    first = spec.first_user
    return TenantPlan(
        tenant=tenant_body(spec),
        bundles=[(b.bundle_id, bundle_body(b)) for b in spec.service_bundles],
        username=first.username,
        user={"first_name": first.first_name, "last_name": first.last_name, "email": first.email},
    )


def tenant_body(spec: CustomerSpec) -> JsonObject:
    return {"name": spec.details.name, "webid": spec.details.webid}


def bundle_body(bundle: BundleAllocation) -> JsonObject:
    return bundle.model_dump(exclude={"bundle_id"})


def residue_line(customer_id: str, micollab_url: str) -> str:
    return f"MiCollab tenant {customer_id} at {micollab_url}"
