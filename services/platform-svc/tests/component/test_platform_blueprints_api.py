from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts.events import PlatformAssigned

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

PM_USERNAME, PM_PASSWORD = "pm-admin", "pm-secret"  # the PM simulator's start-up credentials

STANDARD = {
    "id": "bp-mivb-standard",
    "name": "MiVB standard",
    "description": "MiVB with MiCollab and one MBG site",
    "platform_type": "MiVoice Business",
}


async def test_r2_blueprints_need_the_feature_and_a_registered_pm(harness: Harness) -> None:
    off = await harness.api.get("/api/v1/platform-manager/blueprints")
    await harness.api.put("/api/v1/platform-manager/feature", json={"enabled": True})
    unregistered = await harness.api.post("/api/v1/blueprints", json={"blueprint_id": "bp-mivb-standard"})

    assert (off.status_code, off.json()["detail"][0]["field"]) == (409, "enabled")
    assert (unregistered.status_code, unregistered.json()["detail"][0]["message"]) == (
        409,
        "no Platform Manager is registered yet",
    )


async def test_offered_blueprints_are_listed_and_one_is_registered(harness: Harness) -> None:
    await harness.pm_ready()

    offered = await harness.api.get("/api/v1/platform-manager/blueprints")
    registered = await harness.api.post("/api/v1/blueprints", json={"blueprint_id": "bp-mivb-standard"})

    assert offered.json() == {"items": [{**STANDARD, "registered": False}]}
    assert registered.status_code == 201
    assert registered.json() == {**STANDARD, "deprecated": False}
    assert (await harness.api.get("/api/v1/blueprints")).json() == {"items": [registered.json()]}
    assert (await harness.api.get("/api/v1/blueprints/bp-mivb-standard")).json() == registered.json()
    again = await harness.api.get("/api/v1/platform-manager/blueprints")
    assert again.json()["items"][0]["registered"] is True
    twice = await harness.api.post("/api/v1/blueprints", json={"blueprint_id": "bp-mivb-standard"})
    assert twice.status_code == 409


async def test_r2_only_offered_mivb_blueprints_can_be_registered(harness: Harness) -> None:
    await harness.pm_ready()
    mx_one = {"name": "MX-ONE", "description": "not ours", "platform_type": "MX-ONE"}
    await harness.pm.control.put("/api/blueprints/bp-mx-one", json=mx_one, auth=(PM_USERNAME, PM_PASSWORD))

    unknown = await harness.api.post("/api/v1/blueprints", json={"blueprint_id": "bp-none"})
    other_type = await harness.api.post("/api/v1/blueprints", json={"blueprint_id": "bp-mx-one"})

    assert (unknown.status_code, unknown.json()["detail"][0]["message"]) == (
        404,
        "the Platform Manager offers no blueprint bp-none",
    )
    assert other_type.status_code == 422
    assert other_type.json()["detail"] == [
        {
            "field": "blueprint_id",
            "rule": "R2",
            "message": (
                "blueprint bp-mx-one builds MX-ONE platforms; only MiVoice Business blueprints can be registered"
            ),
        }
    ]
    assert (await harness.api.get("/api/v1/blueprints")).json() == {"items": []}


async def test_only_name_description_and_deprecated_can_be_edited(harness: Harness) -> None:
    await harness.blueprint_ready()
    url = "/api/v1/blueprints/bp-mivb-standard"

    edited = await harness.api.patch(url, json={"name": "Standard", "description": "one site"})
    frozen = await harness.api.patch(url, json={"name": "X", "platform_type": "MX-ONE", "id": "bp-2"})
    blank = await harness.api.patch(url, json={"name": ""})

    assert edited.status_code == 200
    assert (edited.json()["name"], edited.json()["description"]) == ("Standard", "one site")
    assert frozen.status_code == 422
    assert [(v["field"], v["rule"]) for v in frozen.json()["detail"]] == [
        ("platform_type", "blueprint-edit"),
        ("id", "blueprint-edit"),
    ]
    assert (blank.status_code, blank.json()["detail"][0]["field"]) == (422, "name")
    assert (await harness.api.get(url)).json()["name"] == "Standard"
    assert (await harness.api.patch("/api/v1/blueprints/bp-none", json={"name": "x"})).status_code == 404


async def test_a_deprecated_blueprint_makes_no_new_group_but_its_groups_keep_working(
    from_blueprint: Harness,
) -> None:
    harness = from_blueprint
    deprecated = await harness.api.patch("/api/v1/blueprints/bp-mivb-standard", json={"deprecated": True})
    assert deprecated.json()["deprecated"] is True

    refused = await harness.create_group("pg-2")

    assert refused.status_code == 409
    assert refused.json()["detail"][0] == {
        "field": "blueprint_id",
        "rule": "R2",
        "message": "blueprint bp-mivb-standard is deprecated: it makes no new platform group",
    }
    customer = harness.new_customer()
    await harness.request(customer)
    assert (await harness.event(PlatformAssigned, customer)).platform_group_id == "pg-1"


async def test_r3_pm_refusing_the_stored_credentials_is_reported_and_shown(harness: Harness) -> None:
    await harness.pm_ready()
    await harness.pm.control.put("/_sim/credentials", json={"username": PM_USERNAME, "password": "changed"})

    listed = await harness.api.get("/api/v1/platform-manager/blueprints")

    assert listed.status_code == 502
    assert listed.json()["detail"][0]["rule"] == "R3"
    assert "rotate them" in listed.json()["detail"][0]["message"]
    assert (await harness.api.get("/api/v1/platform-manager")).json()["status"] == "CREDENTIALS_REJECTED"
