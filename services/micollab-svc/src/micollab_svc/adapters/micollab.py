"""Outbound calls to the customers' MiCollab servers, through the platform client. Every call is
idempotent (PUT by id; a DELETE of what is gone is done), so a redelivery after a crash redoes them safely.
A failed call raises PlatformCallFailed, saying whether MiCollab may have acted on it."""

from micollab_svc.domain.edit import Item, Step
from micollab_svc.domain.plan import JsonObject
from mmp_servicekit.platform_http import PlatformClient, path

PLATFORM = "MiCollab"


class MiCollab:
    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    async def put_tenant(self, url: str, customer_id: str, body: JsonObject) -> None:
        """Creates the tenant or renames it; its bundles and users stay."""
        await self.client.call(PLATFORM, "PUT", url, path("tenants", customer_id), body)

    async def put_bundle(self, url: str, customer_id: str, bundle_id: str, body: JsonObject) -> None:
        await self.client.call(PLATFORM, "PUT", url, path("tenants", customer_id, "bundles", bundle_id), body)

    async def put_user(self, url: str, customer_id: str, username: str, body: JsonObject) -> None:
        await self.client.call(PLATFORM, "PUT", url, path("tenants", customer_id, "users", username), body)

    async def delete_tenant(self, url: str, customer_id: str) -> None:
        """Removes the tenant with its bundles and users."""
        await self.client.call(PLATFORM, "DELETE", url, path("tenants", customer_id))

    async def apply(self, url: str, customer_id: str, step: Step) -> None:
        """One call of an edit; an edit never deletes the tenant itself."""
        if step.do is None:
            await self.client.call(PLATFORM, "DELETE", url, path("tenants", customer_id, "bundles", step.key))
        elif step.item is Item.TENANT:
            await self.put_tenant(url, customer_id, step.do)
        else:
            await self.put_bundle(url, customer_id, step.key, step.do)
