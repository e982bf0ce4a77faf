"""The demo's second half: edit, DID ranges, delete-then-recreate and demo mode on a live customer."""

from typing import Any

from mmp_devstack.client import MmpClient, poll


async def settle(client: MmpClient, accepted: Any, label: str) -> bool:
    if accepted.status_code not in (200, 202):
        print(f"  {label}: refused {accepted.status_code} {accepted.text}")
        return False
    task = await client.wait_for_task(accepted.json()["task_id"])
    print(f"  {label}: task {task['status']}" + (f" ({task['reason']})" if task["reason"] else ""))
    return bool(task["status"] == "COMPLETED")


async def edit(client: MmpClient, customer_id: str, data: dict[str, Any]) -> bool:
    print("3. An edit: more Standard IPT phones (R22); the customer is mailed the billing change (R27)")
    bundles = data["service_bundles"]
    bundles[0]["quantity"] += 5
    done = await settle(client, await client.update_customer(customer_id, {"service_bundles": bundles}), "PATCH")
    contact = data["details"]["contact_email"]
    mails = await poll(client.mails, lambda ms: any(contact in m["rcpt_tos"] for m in ms), 20)
    print(f"  billing-change mail to {contact}: {next(m for m in mails if contact in m['rcpt_tos'])['subject']!r}")
    quantity = (await client.simulator_state("micollab"))["tenants"][customer_id]["bundles"][bundles[0]["bundle_id"]]
    print(f"  MiCollab now holds {quantity['quantity']} x {bundles[0]['bundle_id']}")
    return done and quantity["quantity"] == bundles[0]["quantity"]


async def did_ranges(client: MmpClient, customer_id: str, data: dict[str, Any]) -> bool:
    print("4. DID ranges (R12): add one, then remove the middle of the first, which splits it")
    first = int(data["did_ranges"][0]["start"])
    added = await settle(client, await client.change_did_range(customer_id, str(first + 50), str(first + 59)), "add")
    split = await settle(
        client, await client.change_did_range(customer_id, str(first + 5), str(first + 9), remove=True), "remove"
    )
    held = (await client.simulator_state("mivb"))["tenants"][customer_id]["dids"]
    print(f"  the MiVB holds: {', '.join(f'{a}-{b}' for a, b in held)}")
    return added and split and len(held) == 3


async def delete_and_recreate(client: MmpClient, customer_id: str, data: dict[str, Any]) -> str | None:
    print("5. Delete (R23), then create the same customer again (same WebID, user and DIDs)")
    deleted = await settle(client, await client.delete_customer(customer_id), "DELETE")
    left = await client.residue_of(customer_id)
    print(f"  left on the simulators: {left or 'nothing'}")
    again = await client.create_customer(data)
    record = await client.wait_for_customer(again.json()["customer_id"])
    print(f"  re-created: {record['webid']} {record['status']}")
    return record["customer_id"] if deleted and not left and record["status"] == "ACTIVE" else None


async def demo_mode(client: MmpClient, customer_id: str, webid: str) -> bool:
    print(f"6. convertCustomerToDemoMode {webid} (R24): edits refused, delete keeps the platforms as they are")
    converted = await client.maintenance(f"convertCustomerToDemoMode {webid}")
    refused = await client.update_customer(customer_id, {"hotdesk_devices": []})
    print(f"  converted: {converted.status_code}; an edit now: {refused.status_code} {refused.json()['detail']}")
    deleted = await client.delete_customer(customer_id)
    residue = deleted.json().get("residue", [])
    print("  deleted from our records; left for manual cleanup:")
    for line in residue:
        print(f"    {line}")
    return converted.status_code == 200 and refused.status_code == 409 and len(residue) == 3


async def run(client: MmpClient, customer_id: str, data: dict[str, Any]) -> bool:
    results = [await edit(client, customer_id, data), await did_ranges(client, customer_id, data)]
    data["service_bundles"][0]["quantity"] -= 5
    recreated = await delete_and_recreate(client, customer_id, data)
    results.append(recreated is not None)
    if recreated:
        results.append(await demo_mode(client, recreated, data["details"]["webid"]))
    return all(results)
