"""Crashes mid-saga and poison messages: the saga still ends well, once, and nothing is lost."""

import json
import random
import secrets
from typing import Any

import pytest
from kafka_tools import produce_raw, read_all

from mmp_contracts import topics
from mmp_devstack.client import MmpClient, poll
from mmp_devstack.scenarios import command, customer
from mmp_devstack.stack import Stack

pytestmark = pytest.mark.e2e


def unique_customer() -> dict[str, Any]:
    return customer(random.randrange(1, 9_000_000), f"{secrets.token_hex(2)}-")


async def mid_saga_at_micollab(client: MmpClient, customer_id: str) -> None:
    await poll(lambda: client.customer(customer_id), lambda c: len(c["steps"]) >= 2, 20)


async def mid_saga_at_mbg(client: MmpClient, customer_id: str) -> None:
    await poll(lambda: client.simulator_state("mivb"), lambda s: customer_id in s["tenants"], 20)


@pytest.mark.parametrize(
    ("service", "slow_platform", "in_the_middle"),
    [("micollab-svc", "micollab", mid_saga_at_micollab), ("platform-svc", "mbg", mid_saga_at_mbg)],
)
async def test_a_service_killed_mid_saga_finishes_the_saga_once_restarted(
    stack: Stack, client: MmpClient, service: str, slow_platform: str, in_the_middle: Any
) -> None:
    data = unique_customer()
    await client.inject(slow_platform, latency_ms=3000)
    accepted = await client.create_customer(data)
    customer_id = accepted.json()["customer_id"]
    await in_the_middle(client, customer_id)
    stack.process(service).kill()
    await client.clear_faults()
    stack.process(service).start()
    await stack.wait_until_ready(service)

    record = await client.wait_for_customer(customer_id, seconds=60)
    assert record["status"] == "ACTIVE", record
    assert await client.residue_of(customer_id) == ["mivb", "mbg", "micollab"]
    recipient = data["first_user"]["email"]
    await poll(client.mails, lambda ms: any(recipient in m["rcpt_tos"] for m in ms), 20)
    assert sum(recipient in m["rcpt_tos"] for m in await client.mails()) == 1


async def test_a_poison_command_is_parked_and_the_next_one_still_runs(client: MmpClient) -> None:
    bootstrap = client.config.bootstrap
    poison = b'{"specversion": "1.0", "type": "CreateCustomer", "data": "garbage"}'
    produce_raw(bootstrap, topics.CUSTOMER_COMMANDS, b"poison", b"this is not json")
    produce_raw(bootstrap, topics.CUSTOMER_COMMANDS, b"poison", poison)
    not_utf8 = [("ce_specversion", b"1.0"), ("ce_type", b"\xff\xfe"), ("ce_id", b"x"), ("ce_source", b"bss")]
    produce_raw(bootstrap, topics.CUSTOMER_COMMANDS, b"poison", b"{}", not_utf8)
    data = unique_customer()
    produce_raw(bootstrap, topics.CUSTOMER_COMMANDS, b"poison", json.dumps(command(data)).encode())
    found = await poll(lambda: client.customers_with_webid(data["details"]["webid"]), lambda cs: cs, 30)
    assert (await client.wait_for_customer(found[0]["customer_id"]))["status"] == "ACTIVE"
    parked = [value for _, _, value in await read_all(bootstrap, [topics.dead_letter(topics.CUSTOMER_COMMANDS)])]
    assert b"this is not json" in parked
    assert poison in parked
    assert b"{}" in parked, "a binary-mode command whose type header is not UTF-8 is parked too"
