"""At-least-once end to end: every event of a saga delivered again changes nothing."""

import random
import secrets
from collections import Counter

import pytest
from kafka_tools import of_task, processed, produce_raw, read_all, wait_until_consumed

from mmp_contracts import topics
from mmp_devstack.client import MmpClient, poll
from mmp_devstack.scenarios import customer

pytestmark = pytest.mark.e2e

SAGA_TOPICS = [topics.CUSTOMER_EVENTS, topics.PLATFORM_EVENTS, topics.MICOLLAB_EVENTS, topics.NOTIFY_EVENTS]


async def test_every_event_of_a_saga_redelivered_gives_no_second_side_effect(client: MmpClient) -> None:
    data = customer(random.randrange(1, 9_000_000), f"{secrets.token_hex(2)}-")
    accepted = await client.create_customer(data)
    task_id, customer_id = accepted.json()["task_id"], accepted.json()["customer_id"]
    recipient = data["first_user"]["email"]
    await client.wait_for_customer(customer_id, {"ACTIVE"})
    await poll(lambda: client.customer(customer_id), lambda c: c["welcome_mail"] == "sent", 20)
    bootstrap = client.config.bootstrap
    services = client.config.service_urls

    before = {
        "customer": await client.customer(customer_id),
        "mivb": (await client.simulator_state("mivb"))["tenants"][customer_id],
        "mbg": (await client.simulator_state("mbg"))["customers"][customer_id],
        "micollab": (await client.simulator_state("micollab"))["tenants"][customer_id],
        "mails": sum(recipient in m["rcpt_tos"] for m in await client.mails()),
    }
    records = await read_all(bootstrap, SAGA_TOPICS)
    saga = [record for record in records if of_task([record], task_id)]
    assert {e["type"] for e in of_task(records, task_id)} >= {
        "CustomerRequested",
        "PlatformAssigned",
        "MiCollabTenantProvisioned",
        "CustomerActivated",
        "WelcomeMailSent",
        "TaskCompleted",
    }
    consumed_before = {name: await processed(client.http, url) for name, url in services.items()}
    for topic, key, value in saga:
        produce_raw(bootstrap, topic, key or b"", value)
    await wait_until_consumed(client.http, services, consumed_before, Counter(topic for topic, _, _ in saga))

    after = {
        "customer": await client.customer(customer_id),
        "mivb": (await client.simulator_state("mivb"))["tenants"][customer_id],
        "mbg": (await client.simulator_state("mbg"))["customers"][customer_id],
        "micollab": (await client.simulator_state("micollab"))["tenants"][customer_id],
        "mails": sum(recipient in m["rcpt_tos"] for m in await client.mails()),
    }
    assert after == before
    again = of_task(await read_all(bootstrap, SAGA_TOPICS), task_id)
    assert len(again) == 2 * len(of_task(records, task_id)), "the redelivered copies and no new event"
