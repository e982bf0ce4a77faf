"""R20/R21: a failure at each step undoes every step already done; a failed undo can be retried."""

import random
import secrets
from typing import Any

import pytest

from mmp_devstack.client import MmpClient, poll
from mmp_devstack.scenarios import customer

pytestmark = pytest.mark.e2e


def unique_customer() -> dict[str, Any]:
    return customer(random.randrange(1, 9_000_000), f"{secrets.token_hex(2)}-")


async def create_and_settle(client: MmpClient, data: dict[str, Any]) -> dict[str, Any]:
    accepted = await client.create_customer(data)
    assert accepted.status_code == 202, accepted.text
    return await client.wait_for_customer(accepted.json()["customer_id"])


@pytest.mark.parametrize(
    ("product", "reason_mentions"),
    [("mivb", "MiVB"), ("mbg", "MBG"), ("micollab", "MiCollab")],
)
async def test_a_failing_step_is_undone_everywhere(client: MmpClient, product: str, reason_mentions: str) -> None:
    data = unique_customer()
    await client.inject(product, fail_for=data["details"]["webid"])
    record = await create_and_settle(client, data)
    assert record["status"] == "FAILED", record
    assert reason_mentions.lower() in record["reason"].lower()
    assert await client.residue_of(record["customer_id"]) == []
    assert not any(data["first_user"]["email"] in m["rcpt_tos"] for m in await client.mails())


async def test_r4_no_voicemail_hunt_group_fails_with_a_clear_reason(client: MmpClient) -> None:
    mivb = client.config.simulator_urls["mivb"]
    hunt_groups = (await client.http.get(f"{mivb}/api/hunt-groups")).json()
    voicemail = next(g for g in hunt_groups if g["type"] == "voicemail")
    await client.http.delete(f"{mivb}/api/hunt-groups/{voicemail['number']}")
    try:
        record = await create_and_settle(client, unique_customer())
    finally:
        await client.http.put(
            f"{mivb}/api/hunt-groups/{voicemail['number']}", json={"name": voicemail["name"], "type": "voicemail"}
        )
    assert record["status"] == "FAILED"
    assert "R4" in record["reason"] or any(v["rule"] == "R4" for v in record["violations"])
    assert await client.residue_of(record["customer_id"]) == []


async def test_r5_micollab_down_fails_with_a_clear_reason_and_leaves_nothing(client: MmpClient) -> None:
    await client.inject("micollab", down=True)
    record = await create_and_settle(client, unique_customer())
    assert record["status"] == "FAILED"
    assert "micollab" in record["reason"].lower()
    assert await client.residue_of(record["customer_id"]) == []


async def test_r21_a_failed_undo_is_rollback_failed_until_the_sp_retries_it(client: MmpClient) -> None:
    data = unique_customer()
    # MiCollab answers slowly, then fails; meanwhile the MiVB goes away, so its undo fails too.
    await client.inject("micollab", fail_for=data["details"]["webid"], latency_ms=1500)
    accepted = await client.create_customer(data)
    customer_id = accepted.json()["customer_id"]
    await poll(lambda: client.customer(customer_id), lambda c: len(c["steps"]) >= 2, 20)
    await client.inject("mivb", down=True)
    record = await client.wait_for_customer(customer_id, {"ROLLBACK_FAILED", "FAILED", "ACTIVE"})
    assert record["status"] == "ROLLBACK_FAILED", record
    assert any("MiVB" in item for item in record["residue"])
    assert "ping the platform" in record["steps"][-1]["outcome"]
    assert await client.residue_of(customer_id) == ["mivb"]

    await client.clear_faults()
    retry = await client.retry_rollback(customer_id)
    assert retry.status_code == 202
    record = await client.wait_for_customer(customer_id, {"FAILED"})
    assert record["residue"] == []
    assert await client.residue_of(customer_id) == []
    assert (await client.task(retry.json()["task_id"]))["status"] == "COMPLETED"
