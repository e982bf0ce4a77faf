"""The sandbox the stack is made ready with: the SP's bundles and the platform group `pg-ottawa-1`."""

from typing import Any

import httpx

from mmp_devstack.client import poll
from mmp_devstack.config import StackConfig

BUNDLES: dict[str, dict[str, Any]] = {
    "basic-ipt": {"name": "Basic IPT", "service_type": "Basic IPT", "phone_types": ["6910"], "phones_per_user": 1},
    "standard-ipt": {"name": "Standard IPT", "service_type": "Standard IPT", "phone_types": ["6920", "6930"]},
    "entry-ucc": {"name": "Entry UCC", "service_type": "Entry UCC", "phone_types": ["6930"]},
    "standard-ucc": {"name": "Standard UCC", "service_type": "Standard UCC", "phone_types": ["6930", "6940"]},
    "premium-ucc": {
        "name": "Premium UCC",
        "service_type": "Premium UCC",
        "phone_types": ["6940", "6970"],
        "phones_per_user": 2,
        "licence_tier": "premium",
    },
    "contact-center-agent": {
        "name": "Contact Center Agent",
        "service_type": "Contact Center Agent",
        "phone_types": ["6930"],
    },
    "single-line-device": {"name": "Single Line Device", "service_type": "Single Line Device", "phone_types": ["5304"]},
    "mobile": {"name": "Mobile", "service_type": "Mobile", "phone_types": [], "phones_per_user": 0},
}

PLATFORM_GROUP_ID = "pg-ottawa-1"
BLUEPRINT_ID = "bp-mivb-standard"


async def prepare(config: StackConfig, http: httpx.AsyncClient) -> None:
    """The Platform Manager flow of R2, then the SP's bundles: what an SP does before its first customer."""
    headers = {"Authorization": f"Bearer {config.admin_token}"}
    platform, customer = config.service_urls["platform-svc"], config.service_urls["customer-svc"]
    sims = config.simulator_urls

    async def call(method: str, url: str, body: dict[str, Any]) -> None:
        response = await http.request(method, url, json=body, headers=headers)
        if response.is_error:
            raise SandboxRefused(f"{method} {url} -> {response.status_code}: {response.text}")

    await call("PUT", f"{platform}/api/v1/platform-manager/feature", {"enabled": True})
    pm = {"url": sims["pm"], "username": config.pm_username, "password": config.pm_password}
    await call("PUT", f"{platform}/api/v1/platform-manager", pm)
    await call("POST", f"{platform}/api/v1/blueprints", {"blueprint_id": BLUEPRINT_ID})
    group = {
        "id": PLATFORM_GROUP_ID,
        "name": "Ottawa 1",
        "blueprint_id": BLUEPRINT_ID,
        "mivb_url": sims["mivb"],
        "micollab_url": sims["micollab"],
        "sites": [{"id": "ottawa-main", "name": "Ottawa main", "mbg_url": sims["mbg"]}],
    }
    await call("POST", f"{platform}/api/v1/platform-groups", group)
    for bundle_id, bundle in BUNDLES.items():
        await call("PUT", f"{customer}/api/v1/bundles/{bundle_id}", bundle)
    await customer_svc_knows_the_group(http, customer, headers)


class SandboxRefused(RuntimeError):
    pass


async def customer_svc_knows_the_group(http: httpx.AsyncClient, customer: str, headers: dict[str, str]) -> None:
    """customer-svc learns of groups from platform.events (R1); the sandbox is ready once it has."""

    async def known() -> list[dict[str, str]]:
        response = await http.get(f"{customer}/api/v1/catalogue/platform-groups", headers=headers)
        response.raise_for_status()
        return list(response.json())

    await poll(known, lambda groups: any(g["platform_group_id"] == PLATFORM_GROUP_ID for g in groups), 30)
