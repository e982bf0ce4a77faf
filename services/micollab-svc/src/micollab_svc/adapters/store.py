"""micollab-svc's documents: the only module that knows their shape."""

from collections.abc import Sequence
from dataclasses import asdict

from micollab_svc.domain.tenant import Progress, Tenant, TenantState
from mmp_servicekit.store import Document, Index


class TenantMapper:
    """`tenants`: one document per customer (`_id` = customer id)."""

    indexes: Sequence[Index] = (Index.on("state"),)
    """`state`: finds what a failed undo left behind (`RESIDUE`), for an operator or a later sweep (R21)."""

    def to_document(self, tenant: Tenant) -> Document:
        return {
            "_id": tenant.customer_id,
            "state": tenant.state.value,
            "micollab_url": tenant.micollab_url,
            "webid": tenant.webid,
            "name": tenant.name,
            "created": asdict(tenant.created),
            "reason": tenant.reason,
            "residue": list(tenant.residue),
            "update_tasks": list(tenant.update_tasks),
        }

    def from_document(self, doc: Document) -> Tenant:
        return Tenant(
            customer_id=doc["_id"],
            state=TenantState(doc["state"]),
            micollab_url=doc["micollab_url"],
            webid=doc["webid"],
            name=doc["name"],
            created=Progress(**doc["created"]),
            reason=doc["reason"],
            residue=list(doc["residue"]),
            update_tasks=list(doc["update_tasks"]),
        )
