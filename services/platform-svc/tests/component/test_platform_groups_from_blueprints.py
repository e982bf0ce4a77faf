from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts.events import (
    MiCollabProvisioningFailed,
    PlatformAssigned,
    PlatformGroupCreated,
    PlatformGroupDeleted,
    PlatformReleased,
)
from mmp_servicekit.testing import wait_until

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component


async def test_a_group_is_made_from_a_blueprint_with_discovered_versions(harness: Harness) -> None:
    await harness.blueprint_ready()
    await harness.sims["mivb2"].control.put("/_sim/version", json={"version": "10.1.0.1"})

    created = await harness.create_group("pg-ottawa-1")

    assert created.status_code == 201, created.text
    group = created.json()
    assert (group["blueprint_id"], group["mivb"]["version"], group["micollab"]["version"]) == (
        "bp-mivb-standard",
        "10.1.0.0",
        "9.8.0.0",
    )
    assert group["mivb_secondary"] == {"url": harness.sims["mivb2"].url, "version": "10.1.0.1"}
    health = group["health"]
    assert health["reachable"] == {"mivb": True, "mivb_secondary": True, "micollab": True, "site:ottawa": True}
    assert (health["voicemail_hunt_group"], health["errors"]) == (True, {})
    announced = await harness.capture.wait_for(PlatformGroupCreated)
    assert (announced.platform_group_id, announced.blueprint_id, announced.rest_api_scripts) == (
        "pg-ottawa-1",
        "bp-mivb-standard",
        True,
    )
    assert (await harness.api.get("/api/v1/platform-groups/pg-ottawa-1")).json() == group
    customer = harness.new_customer()
    await harness.request(customer, platform={"platform_group_id": "pg-ottawa-1"})
    assert (await harness.event(PlatformAssigned, customer)).micollab.mivb_version == "10.1.0.0"


async def test_r2_no_group_without_the_feature_a_registered_blueprint_or_a_free_id(harness: Harness) -> None:
    disabled = await harness.create_group()
    await harness.pm_ready()
    unknown = await harness.create_group()
    await harness.api.post("/api/v1/blueprints", json={"blueprint_id": "bp-mivb-standard"})
    assert (await harness.create_group()).status_code == 201

    taken = await harness.create_group()

    assert (disabled.status_code, disabled.json()["detail"][0]["rule"]) == (409, "R2")
    assert (unknown.status_code, unknown.json()["detail"][0]["field"]) == (422, "blueprint_id")
    assert (taken.status_code, taken.json()["detail"][0]["message"]) == (409, "platform group pg-1 exists already")
    by_hand = await harness.register_group("pg-1")
    assert (by_hand.status_code, by_hand.json()["detail"][0]["rule"]) == (409, "R2")


async def test_r5_and_r4_are_checked_when_a_group_is_made(harness: Harness) -> None:
    await harness.blueprint_ready()
    await harness.micollab.faults(down=True)
    await harness.mivb.control.delete("/api/hunt-groups/6000")

    refused = await harness.create_group()

    assert refused.status_code == 422
    assert [(v["field"], v["rule"]) for v in refused.json()["detail"]] == [("micollab_url", "R5"), ("mivb_url", "R4")]
    assert refused.json()["detail"][0]["message"].startswith(f"MiCollab at {harness.micollab.url} is down: HTTP 503")
    assert "no voicemail hunt group" in refused.json()["detail"][1]["message"]
    await harness.mivb.faults(down=True)
    mivb_down = await harness.create_group()
    assert [(v["field"], v["rule"]) for v in mivb_down.json()["detail"]] == [("mivb_url", "R5"), ("micollab_url", "R5")]
    assert (await harness.api.get("/api/v1/platform-groups/pg-1")).status_code == 404


async def test_a_group_with_customers_cannot_be_deleted(from_blueprint: Harness) -> None:
    harness = from_blueprint
    customer = harness.new_customer()
    await harness.request(customer)
    await harness.event(PlatformAssigned, customer)

    in_use = await harness.api.delete("/api/v1/platform-groups/pg-1")

    assert in_use.status_code == 409
    assert in_use.json()["detail"][0]["message"] == "platform group pg-1 has customers; delete or move them first"
    await harness.send(MiCollabProvisioningFailed(customer_id=customer, reason="MiCollab: HTTP 500"))
    await harness.event(PlatformReleased, customer)

    deleted = await harness.api.delete("/api/v1/platform-groups/pg-1")

    assert deleted.status_code == 204
    assert (await harness.capture.wait_for(PlatformGroupDeleted)).platform_group_id == "pg-1"
    assert (await harness.api.get("/api/v1/platform-groups/pg-1")).status_code == 404
    assert (await harness.api.get("/api/v1/platform-groups")).json() == {"items": []}
    assert (await harness.api.delete("/api/v1/platform-groups/pg-1")).status_code == 404
    assert (await harness.create_group()).status_code == 201  # the id can be used again
    await wait_until(lambda: len(harness.capture.of(PlatformGroupCreated)) == 2, what="the group made again")
