"""Creating a customer end to end: API and BSS (raw Kafka) paths, the welcome mail over real SMTP."""

import json
import random
import re
import secrets
import uuid

import pytest
from kafka_tools import produce_raw

from mmp_contracts import topics
from mmp_devstack.client import MmpClient, poll
from mmp_devstack.scenarios import canonical_command, command, customer

pytestmark = pytest.mark.e2e


def unique_customer() -> dict:
    return customer(random.randrange(1, 9_000_000), f"{secrets.token_hex(2)}-")


async def test_the_canonical_example_becomes_an_active_customer_with_its_welcome_mail(client: MmpClient) -> None:
    body = canonical_command()  # exactly as a BSS integrator is shown it, posted as is
    accepted = await client.create_customer(body)
    assert accepted.status_code == 202, accepted.text
    record = await client.wait_for_customer(accepted.json()["customer_id"])
    assert record["status"] == "ACTIVE", record
    steps = [s["step"] for s in record["steps"]]
    assert steps[:4] == [
        "customer record stored",
        "MiVoice Business and MBG configured",
        "MiCollab tenant and bundles created",
        "customer active",
    ]
    assert await client.residue_of(record["customer_id"]) == ["mivb", "mbg", "micollab"]
    mivb = (await client.simulator_state("mivb"))["tenants"][record["customer_id"]]
    assert [6135924000, 6135924019] in [[int(a), int(b)] for a, b in mivb["dids"]]
    mbg = (await client.simulator_state("mbg"))["customers"][record["customer_id"]]
    assert "ahaddad" in mbg["sip_users"]

    mails = await poll(
        client.mails, lambda ms: any("amira.haddad@harbourdental.example" in m["rcpt_tos"] for m in ms), 20
    )
    [mail] = [m for m in mails if "amira.haddad@harbourdental.example" in m["rcpt_tos"]]
    assert "harbour-dental" in mail["body"]
    assert re.search(r"https://\S+/harbour-dental/set-password\?token=\S{20,}", mail["body"]), mail["body"]
    found = await client.customers_with_webid("harbour-dental")
    assert [c["customer_id"] for c in found] == [record["customer_id"]]
    task = await client.task(accepted.json()["task_id"])
    assert task["status"] == "COMPLETED"
    # notify-svc reports the mail after the SMTP server took it: customer-svc records it a moment later
    mailed = await poll(lambda: client.customer(record["customer_id"]), lambda c: c["welcome_mail"] == "sent", 20)
    assert mailed["welcome_mail"] == "sent"


async def test_a_command_published_as_raw_json_by_a_plain_kafka_client_is_processed(client: MmpClient) -> None:
    data = unique_customer()
    event = command(data)
    produce_raw(
        client.config.bootstrap, topics.CUSTOMER_COMMANDS, data["details"]["webid"].encode(), json.dumps(event).encode()
    )
    found = await poll(lambda: client.customers_with_webid(data["details"]["webid"]), lambda cs: cs, 30)
    record = await client.wait_for_customer(found[0]["customer_id"])
    assert record["status"] == "ACTIVE", record
    assert record["tasks"][0]["task_id"] == event["id"], "without a correlation id the command's id is the task"


async def test_the_same_command_delivered_twice_gives_one_customer_and_one_mail(client: MmpClient) -> None:
    data = unique_customer()
    event = json.dumps(command(data) | {"id": str(uuid.uuid4())}).encode()
    for _ in range(2):
        produce_raw(client.config.bootstrap, topics.CUSTOMER_COMMANDS, data["details"]["webid"].encode(), event)
    found = await poll(lambda: client.customers_with_webid(data["details"]["webid"]), lambda cs: cs, 30)
    record = await client.wait_for_customer(found[0]["customer_id"])
    assert record["status"] == "ACTIVE"
    recipient = data["first_user"]["email"]
    await poll(client.mails, lambda ms: any(recipient in m["rcpt_tos"] for m in ms), 20)
    assert len(await client.customers_with_webid(data["details"]["webid"])) == 1
    assert sum(recipient in m["rcpt_tos"] for m in await client.mails()) == 1


async def test_bad_input_is_refused_with_field_and_rule_and_nothing_is_placed(client: MmpClient) -> None:
    data = unique_customer()
    data["platform"]["extension_length"] = 9
    response = await client.create_customer(data)
    assert response.status_code == 422
    assert {"field": "platform.extension_length", "rule": "R7"}.items() <= response.json()["detail"][0].items()
