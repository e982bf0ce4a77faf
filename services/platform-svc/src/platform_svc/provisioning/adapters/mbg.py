"""The customer on its MBG and its first SIP user. Writes are idempotent: PUT by id, DELETE tolerant of
absence."""

from mmp_contracts.customer_spec import CustomerDetails, FirstUser
from mmp_servicekit.platform_http import PlatformClient, path

LABEL = "MBG"


class Mbg:
    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    async def put_customer(self, url: str, customer_id: str, details: CustomerDetails) -> None:
        body = {"name": details.name, "webid": details.webid}
        await self.client.call(LABEL, "PUT", url, path("customers", customer_id), body)

    async def delete_customer(self, url: str, customer_id: str) -> None:
        """Its SIP users go with it."""
        await self.client.call(LABEL, "DELETE", url, path("customers", customer_id))

    async def put_sip_user(self, url: str, customer_id: str, user: FirstUser) -> None:
        # No credential here: the SIP password is set on the device side, never carried by us.
        body = {"display_name": f"{user.first_name} {user.last_name}", "email": user.email}
        await self.client.call(LABEL, "PUT", url, path("customers", customer_id, "sip-users", user.username), body)

    async def delete_sip_user(self, url: str, customer_id: str, username: str) -> None:
        await self.client.call(LABEL, "DELETE", url, path("customers", customer_id, "sip-users", username))
