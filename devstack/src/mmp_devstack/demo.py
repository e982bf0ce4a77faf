"""`mmp demo`: one healthy customer with its timeline, one whose MiCollab step fails and is undone."""

import random
import secrets
from typing import Any

from mmp_devstack import demo_lifecycle
from mmp_devstack.client import MmpClient, poll
from mmp_devstack.scenarios import customer


def show_timeline(record: dict[str, Any]) -> None:
    print(f"  {record['webid']} ({record['customer_id']}): {record['status']}")
    for step in record["steps"]:
        print(f"    {step['at'][11:23]}  {step['step']}: {step['outcome']}")


async def healthy_customer(client: MmpClient, data: dict[str, Any]) -> str | None:
    print("1. A healthy customer, created through the API")
    accepted = await client.create_customer(data)
    print(f"  POST /api/v1/customers -> {accepted.status_code}, task {accepted.json().get('task_id')}")
    if accepted.status_code != 202:
        print(f"  refused: {accepted.text}")
        return None
    record = await client.wait_for_customer(accepted.json()["customer_id"])
    mails = await poll(client.mails, lambda ms: any(data["first_user"]["email"] in m["rcpt_tos"] for m in ms), 20)
    mail = next(m for m in mails if data["first_user"]["email"] in m["rcpt_tos"])
    record = await client.customer(record["customer_id"])
    show_timeline(record)
    print(f"  welcome mail to {mail['rcpt_tos'][0]}: {mail['subject']!r}")
    residue = await client.residue_of(record["customer_id"])
    print(f"  placed on: {', '.join(residue)}")
    placed = record["status"] == "ACTIVE" and residue == ["mivb", "mbg", "micollab"]
    return str(record["customer_id"]) if placed else None


async def failing_customer(client: MmpClient, data: dict[str, Any]) -> bool:
    print("2. A customer whose MiCollab step fails (fault injected on the MiCollab simulator)")
    await client.inject("micollab", fail_for=data["details"]["webid"])
    try:
        accepted = await client.create_customer(data)
        record = await client.wait_for_customer(accepted.json()["customer_id"])
    finally:
        await client.clear_faults()
    show_timeline(record)
    residue = await client.residue_of(record["customer_id"])
    print(f"  reason: {record['reason']}")
    print(f"  left on the simulators: {residue or 'nothing'}")
    return record["status"] == "FAILED" and not residue


async def run(client: MmpClient) -> bool:
    tag, base = secrets.token_hex(2), random.randrange(1, 9_000_000)
    data = customer(base, f"ok{tag}-")
    healthy = await healthy_customer(client, data)
    failed = await failing_customer(client, customer(base + 1, f"ko{tag}-"))
    later = healthy is not None and await demo_lifecycle.run(client, healthy, data)
    verdicts = {"healthy customer": healthy is not None, "rollback": failed, "edit, DIDs, delete, demo mode": later}
    print("demo: " + ", ".join(f"{name} {'OK' if ok else 'WRONG'}" for name, ok in verdicts.items()))
    return all(verdicts.values())
