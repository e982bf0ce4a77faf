"""What MiCollab is asked to hold for a customer: the bodies of its tenant, bundles and first user."""

from dataclasses import dataclass
from typing import Any

from mmp_contracts.customer_spec import BundleAllocation, CustomerSpec

JsonObject = dict[str, Any]


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
