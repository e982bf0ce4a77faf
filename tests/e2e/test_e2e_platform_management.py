"""R2-R5 and the version gates through the real Platform Manager flow: PM, blueprint, group, customer."""

import random
import secrets
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from mmp_devstack.client import MmpClient, poll
from mmp_devstack.scenarios import customer

pytestmark = pytest.mark.e2e


def unique_customer(group: str = "pg-ottawa-1") -> dict[str, Any]:
    data = customer(random.randrange(1, 9_000_000), f"{secrets.token_hex(2)}-")
    data["platform"]["platform_group_id"] = group
    return data


def platform(client: MmpClient, path: str) -> str:
    return f"{client.config.service_urls['platform-svc']}/api/v1{path}"


async def pm_status(client: MmpClient) -> str:
    response = await client.http.post(platform(client, "/platform-manager/check"))
    return str(response.json()["status"])


async def credentials_gauge(client: MmpClient) -> float:
    text = (await client.http.get(f"{client.config.service_urls['platform-svc']}/metrics")).text
    return next(
        s.value
        for f in text_string_to_metric_families(text)
        for s in f.samples
        if s.name == "mmp_platform_manager_credentials_ok"
    )


async def test_the_whole_chain_from_a_platform_manager_to_an_active_customer(client: MmpClient) -> None:
    assert await pm_status(client) == "OK"
    blueprints = (await client.http.get(platform(client, "/blueprints"))).json()["items"]
    assert [b["id"] for b in blueprints] == ["bp-mivb-standard"]
    sims = client.config.simulator_urls
    group_id = f"pg-e2e-{secrets.token_hex(2)}"
    group = {
        "id": group_id,
        "name": "e2e group",
        "blueprint_id": "bp-mivb-standard",
        "mivb_url": sims["mivb"],
        "micollab_url": sims["micollab"],
        "sites": [{"id": "main", "name": "Main", "mbg_url": sims["mbg"]}],
    }
    created = await client.http.post(platform(client, "/platform-groups"), json=group)
    assert created.status_code == 201, created.text
    assert created.json()["mivb"]["version"] == "10.1.0.0"
    customers = client.config.service_urls["customer-svc"]
    await poll(
        lambda: client.http.get(f"{customers}/api/v1/catalogue/platform-groups"),
        lambda r: group_id in r.text,
        20,
    )
    accepted = await client.create_customer(unique_customer(group_id))
    assert accepted.status_code == 202, accepted.text
    record = await client.wait_for_customer(accepted.json()["customer_id"])
    assert record["status"] == "ACTIVE", record
    refused = await client.http.delete(platform(client, f"/platform-groups/{group_id}"))
    assert refused.status_code == 409, "a group with customers cannot be deleted"


async def test_r1_a_group_nobody_registered_is_refused_at_intake(client: MmpClient) -> None:
    response = await client.create_customer(unique_customer("pg-nowhere"))
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "R1"


async def test_r3_wrong_credentials_are_refused_with_a_clear_reason(client: MmpClient, secrets_used: list[str]) -> None:
    wrong = secrets.token_urlsafe(12)
    secrets_used.append(wrong)
    pm = {"url": client.config.simulator_urls["pm"], "username": client.config.pm_username, "password": wrong}
    response = await client.http.put(platform(client, "/platform-manager"), json=pm)
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"field": "password", "rule": "R3", "message": "the Platform Manager refused these credentials"}
    ]
    assert await pm_status(client) == "OK", "the stored, working credentials were kept"


async def test_r3_credentials_changed_on_the_pm_show_and_are_rotated_without_downtime(
    client: MmpClient, secrets_used: list[str]
) -> None:
    config, rotated = client.config, secrets.token_urlsafe(18)
    secrets_used.append(rotated)
    pm_sim = config.simulator_urls["pm"]
    changed = await client.http.put(
        f"{pm_sim}/_sim/credentials", json={"username": config.pm_username, "password": rotated}
    )
    changed.raise_for_status()
    try:
        assert await pm_status(client) == "CREDENTIALS_REJECTED"
        assert await credentials_gauge(client) == 0
        rotation = await client.http.post(
            platform(client, "/platform-manager/credentials"),
            json={"username": config.pm_username, "password": rotated},
        )
        assert rotation.status_code == 200, rotation.text
        assert rotated not in rotation.text
        assert await pm_status(client) == "OK"
        assert await credentials_gauge(client) == 1
    finally:
        old = {"username": config.pm_username, "password": config.pm_password}
        await client.http.put(f"{pm_sim}/_sim/credentials", json=old)
        await client.http.post(platform(client, "/platform-manager/credentials"), json=old)


async def test_r3_a_platform_manager_that_is_down_shows_unreachable(client: MmpClient) -> None:
    await client.inject("pm", down=True)
    assert await pm_status(client) == "UNREACHABLE"
    await client.clear_faults()
    assert await pm_status(client) == "OK"


async def test_r16_a_micollab_upgrade_opens_miteam_meetings_without_a_restart(client: MmpClient) -> None:
    micollab_sim = client.config.simulator_urls["micollab"]

    async def micollab_at(version: str) -> None:
        (await client.http.put(f"{micollab_sim}/_sim/version", json={"version": version})).raise_for_status()
        group = (await client.http.post(platform(client, "/platform-groups/pg-ottawa-1/refresh"))).json()
        assert group["micollab"]["version"] == version

    def with_miteam_meetings() -> dict[str, Any]:
        data = unique_customer()
        for bundle in data["service_bundles"]:
            bundle["fetch_npm_awv_ports"] = False  # R17 would need 9.4.0.9: this test is about R16
        assert any(bundle["miteam_meetings"] for bundle in data["service_bundles"])
        return data

    try:
        await micollab_at("9.1.0.0")
        refused = await client.wait_for_customer(
            (await client.create_customer(with_miteam_meetings())).json()["customer_id"]
        )
        assert refused["status"] == "FAILED"
        assert any(v["rule"] == "R16" for v in refused["violations"]), refused
        assert await client.residue_of(refused["customer_id"]) == []

        await micollab_at("9.2.0.0")
        accepted = await client.wait_for_customer(
            (await client.create_customer(with_miteam_meetings())).json()["customer_id"]
        )
        assert accepted["status"] == "ACTIVE", accepted
    finally:
        await micollab_at("9.8.0.0")
