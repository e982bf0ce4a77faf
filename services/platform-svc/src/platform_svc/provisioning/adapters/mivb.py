"""The customer's MiVB tenant and its DID ranges. Every write is idempotent (PUT by id; a DELETE of what is
gone is done), so a redelivered message redoes its calls safely."""

from mmp_servicekit.platform_http import PlatformCallFailed, PlatformClient, path
from platform_svc.management.domain.platforms import HuntGroup, Probe, Unreachable
from platform_svc.provisioning.adapters.platforms import hunt_groups_of, system
from platform_svc.provisioning.domain.tenant import MivbTenant

LABEL = "MiVB"


class Mivb:
    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    async def system(self, url: str) -> Probe:
        return await system(self.client, LABEL, url)

    async def hunt_groups(self, url: str) -> list[HuntGroup] | Unreachable:
        """R4 asks; a failure to read them is named with the MiVB's address."""
        try:
            response = await self.client.call(LABEL, "GET", url, path("hunt-groups"))
        except PlatformCallFailed as failure:
            return Unreachable(failure.reason)
        try:
            return hunt_groups_of(response.json())
        except ValueError:
            return Unreachable(f"{LABEL} {url}: GET /api/hunt-groups answered no JSON")

    async def put_tenant(self, url: str, tenant_id: str, tenant: MivbTenant) -> None:
        # Below MiVB 9.0 only does the tenant carry a time zone (R9): otherwise the field is left out.
        body = tenant.model_dump(mode="json", exclude={"time_zone"} if tenant.time_zone is None else None)
        await self.client.call(LABEL, "PUT", url, path("tenants", tenant_id), body)

    async def delete_tenant(self, url: str, tenant_id: str) -> None:
        await self.client.call(LABEL, "DELETE", url, path("tenants", tenant_id))

    async def put_dids(self, url: str, tenant_id: str, did_range: str) -> None:
        await self.client.call(LABEL, "PUT", url, path("tenants", tenant_id, "dids", did_range))

    async def delete_dids(self, url: str, tenant_id: str, did_range: str) -> None:
        """The MiVB splits a range it holds when part of it is removed (R12)."""
        await self.client.call(LABEL, "DELETE", url, path("tenants", tenant_id, "dids", did_range))
