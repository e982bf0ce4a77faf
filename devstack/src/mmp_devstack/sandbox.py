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


async def prepare(config: StackConfig, http: httpx.AsyncClient) -> None:
    headers = {"Authorization": f"Bearer {config.admin_token}"}
    customer = config.service_urls["customer-svc"]
    for bundle_id, bundle in BUNDLES.items():
        response = await http.put(f"{customer}/api/v1/bundles/{bundle_id}", json=bundle, headers=headers)
        response.raise_for_status()
    sims = config.simulator_urls
    group = {
        "name": "Ottawa 1",
        "mivb_url": sims["mivb"],
        "micollab_url": sims["micollab"],
        "sites": [{"id": "ottawa-main", "name": "Ottawa main", "mbg_url": sims["mbg"]}],
    }
    platform = config.service_urls["platform-svc"]
    response = await http.put(f"{platform}/api/v1/platform-groups/{PLATFORM_GROUP_ID}", json=group, headers=headers)
    response.raise_for_status()
    await customer_svc_knows_the_group(http, customer, headers)


async def customer_svc_knows_the_group(http: httpx.AsyncClient, customer: str, headers: dict[str, str]) -> None:
    """customer-svc learns of groups from platform.events (R1); the sandbox is ready once it has."""

    async def known() -> list[dict[str, str]]:
        response = await http.get(f"{customer}/api/v1/catalogue/platform-groups", headers=headers)
        response.raise_for_status()
        return list(response.json())

    await poll(known, lambda groups: any(g["platform_group_id"] == PLATFORM_GROUP_ID for g in groups), 30)
