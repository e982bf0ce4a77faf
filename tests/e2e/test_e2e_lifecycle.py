"""The customer's life after creation: edit (R22, R27), DID ranges (R12), delete (R23), demo mode (R24),
usage (R28) and tenancy, each with the rollback of its failing steps, the simulators checked for residue."""

import random
import secrets
from typing import Any

import pytest

from mmp_devstack.client import MmpClient, poll
from mmp_devstack.scenarios import customer
from mmp_servicekit.tenancy import mint_customer_token

pytestmark = pytest.mark.e2e


def unique_customer() -> dict[str, Any]:
    return customer(random.randrange(1, 9_000_000), f"{secrets.token_hex(2)}-")


def api(client: MmpClient, path: str) -> str:
    return f"{client.config.service_urls['customer-svc']}/api/v1{path}"


async def active(client: MmpClient, data: dict[str, Any]) -> str:
    accepted = await client.create_customer(data)
    assert accepted.status_code == 202, accepted.text
    record = await client.wait_for_customer(accepted.json()["customer_id"])
    assert record["status"] == "ACTIVE", record
    return str(record["customer_id"])


async def test_r23_delete_leaves_nothing_and_the_same_customer_can_be_created_again(client: MmpClient) -> None:
    data = unique_customer()
    customer_id = await active(client, data)
    deletion = await client.http.delete(api(client, f"/customers/{customer_id}"))
    assert deletion.status_code == 202, deletion.text
    assert (await client.wait_for_task(deletion.json()["task_id"]))["status"] == "COMPLETED"
    assert (await client.customer(customer_id))["status"] == "DELETED"
    assert await client.residue_of(customer_id) == []

    again = await active(client, data)  # same WebID, first user, SIP username and DIDs
    assert again != customer_id
    assert await client.residue_of(again) == ["mivb", "mbg", "micollab"]


async def test_r23_a_platform_down_during_delete_is_retriable(client: MmpClient) -> None:
    customer_id = await active(client, unique_customer())
    await client.inject("mivb", down=True)
    deletion = await client.http.delete(api(client, f"/customers/{customer_id}"))
    task = await client.wait_for_task(deletion.json()["task_id"])
    assert task["status"] == "FAILED"
    assert (await client.customer(customer_id))["status"] == "DELETION_FAILED"
    assert await client.residue_of(customer_id) == ["mivb"]
    await client.clear_faults()
    retry = await client.http.delete(api(client, f"/customers/{customer_id}"))
    assert (await client.wait_for_task(retry.json()["task_id"]))["status"] == "COMPLETED"
    assert await client.residue_of(customer_id) == []


async def test_r24_demo_mode_refuses_edits_and_its_delete_lists_what_stays(client: MmpClient) -> None:
    data = unique_customer()
    customer_id = await active(client, data)
    command = {"command": f"convertCustomerToDemoMode {data['details']['webid']}"}
    assert (await client.http.post(api(client, "/maintenance/commands"), json=command)).status_code == 200
    edit = await client.http.patch(api(client, f"/customers/{customer_id}"), json={"hotdesk_devices": ["6920"]})
    assert edit.status_code == 409
    assert "demo mode" in edit.json()["detail"][0]["message"]
    deleted = await client.http.delete(api(client, f"/customers/{customer_id}"))
    assert deleted.status_code == 200
    assert [line.split()[0] for line in deleted.json()["residue"]] == ["MiVB", "MBG", "MiCollab"]
    assert await client.residue_of(customer_id) == ["mivb", "mbg", "micollab"], "only our records went"


async def test_r22_an_edit_reaches_mivb_and_micollab_and_mails_the_billing_change(client: MmpClient) -> None:
    data = unique_customer()
    customer_id = await active(client, data)
    bundles = data["service_bundles"]
    bundles[0]["quantity"] = 30
    edit = await client.http.patch(
        api(client, f"/customers/{customer_id}"), json={"service_bundles": bundles, "dialing_privileges": "local"}
    )
    assert edit.status_code == 202, edit.text
    assert (await client.wait_for_task(edit.json()["task_id"]))["status"] == "COMPLETED"
    mivb = (await client.simulator_state("mivb"))["tenants"][customer_id]
    assert mivb["dialing_privileges"] == "local"
    micollab = (await client.simulator_state("micollab"))["tenants"][customer_id]
    assert micollab["bundles"][bundles[0]["bundle_id"]]["quantity"] == 30
    contact = data["details"]["contact_email"]
    mails = await poll(client.mails, lambda ms: any(contact in m["rcpt_tos"] for m in ms), 20)
    billing = next(m for m in mails if contact in m["rcpt_tos"])
    assert "20 -> 30" in billing["body"]
    usage = (await client.http.get(api(client, f"/customers/{customer_id}/usage"))).json()["usage"]
    assert usage[0]["allocated"] == 30


@pytest.mark.parametrize("failing", ["mivb", "micollab"])
async def test_r22_a_failing_edit_leaves_customer_and_platforms_as_they_were(client: MmpClient, failing: str) -> None:
    data = unique_customer()
    customer_id = await active(client, data)
    before = {
        "record": (await client.customer(customer_id))["spec"],
        "mivb": (await client.simulator_state("mivb"))["tenants"][customer_id],
        "micollab": (await client.simulator_state("micollab"))["tenants"][customer_id],
    }
    bundles = data["service_bundles"]
    bundles[1]["quantity"] = 9
    await client.inject(failing, fail_for=bundles[1]["bundle_id"] if failing == "micollab" else customer_id)
    edit = await client.http.patch(
        api(client, f"/customers/{customer_id}"), json={"service_bundles": bundles, "dialing_privileges": "local"}
    )
    task = await client.wait_for_task(edit.json()["task_id"])
    await client.clear_faults()
    assert task["status"] == "FAILED", task
    after = {
        "record": (await client.customer(customer_id))["spec"],
        "mivb": (await client.simulator_state("mivb"))["tenants"][customer_id],
        "micollab": (await client.simulator_state("micollab"))["tenants"][customer_id],
    }
    assert after == before


async def test_r27_an_edit_of_quantities_waits_for_the_customers_confirmation(client: MmpClient) -> None:
    data = unique_customer()
    data["platform"]["confirm_billing_changes"] = True
    customer_id = await active(client, data)
    bundles = data["service_bundles"]
    bundles[0]["quantity"] = 21
    task_id = (
        await client.http.patch(api(client, f"/customers/{customer_id}"), json={"service_bundles": bundles})
    ).json()["task_id"]
    await poll(lambda: client.customer(customer_id), lambda c: c["status"] == "AWAITING_CONFIRMATION", 20)
    token = mint_customer_token(client.config.token_secret, customer_id)
    confirmation = await client.http.post(
        api(client, f"/customers/{customer_id}/billing-confirmation"),
        json={"task_id": task_id, "accept": True},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert confirmation.status_code == 200, confirmation.text
    assert (await client.wait_for_task(task_id))["status"] == "COMPLETED"


async def test_r12_did_ranges_are_added_split_and_refused_across_customers(client: MmpClient) -> None:
    data = unique_customer()
    customer_id = await active(client, data)
    first = int(data["did_ranges"][0]["start"])
    added = {"start": str(first + 50), "end": str(first + 59)}
    response = await client.http.post(api(client, f"/customers/{customer_id}/did-ranges"), json=added)
    assert (await client.wait_for_task(response.json()["task_id"]))["status"] == "COMPLETED"
    middle = {"start": str(first + 5), "end": str(first + 9)}
    response = await client.http.post(api(client, f"/customers/{customer_id}/did-ranges/remove"), json=middle)
    assert (await client.wait_for_task(response.json()["task_id"]))["status"] == "COMPLETED"
    held = sorted((int(a), int(b)) for a, b in (await client.simulator_state("mivb"))["tenants"][customer_id]["dids"])
    assert held == [(first, first + 4), (first + 10, first + 19), (first + 50, first + 59)]

    neighbour = await active(client, unique_customer())
    clash = await client.http.post(api(client, f"/customers/{neighbour}/did-ranges"), json=added)
    assert clash.status_code == 409
    assert clash.json()["detail"][0]["rule"] == "R12"


async def test_r12_a_did_range_the_mivb_refuses_is_not_kept_anywhere(client: MmpClient) -> None:
    data = unique_customer()
    customer_id = await active(client, data)
    first = int(data["did_ranges"][0]["start"])
    added = {"start": str(first + 70), "end": str(first + 79)}
    await client.inject("mivb", fail_for=f"{added['start']}-{added['end']}")
    response = await client.http.post(api(client, f"/customers/{customer_id}/did-ranges"), json=added)
    assert (await client.wait_for_task(response.json()["task_id"]))["status"] == "FAILED"
    await client.clear_faults()
    dids = (await client.simulator_state("mivb"))["tenants"][customer_id]["dids"]
    assert [added["start"], added["end"]] not in dids
    ranges = (await client.http.get(api(client, f"/customers/{customer_id}/did-ranges"))).json()["items"]
    assert added not in ranges
    retry = await client.http.post(api(client, f"/customers/{customer_id}/did-ranges"), json=added)
    assert (await client.wait_for_task(retry.json()["task_id"]))["status"] == "COMPLETED", "the numbers are free again"


async def test_a_customer_admin_reaches_only_its_own_customer(client: MmpClient) -> None:
    mine, theirs = await active(client, unique_customer()), await active(client, unique_customer())
    headers = {"Authorization": f"Bearer {mint_customer_token(client.config.token_secret, mine)}"}
    assert (await client.http.get(api(client, f"/customers/{mine}"), headers=headers)).status_code == 200
    assert (await client.http.get(api(client, f"/customers/{theirs}"), headers=headers)).status_code == 404
    platform = client.config.service_urls["platform-svc"]
    assert (await client.http.get(f"{platform}/api/v1/platform-groups", headers=headers)).status_code == 403


async def test_r25_a_delete_asked_while_the_customer_is_created_waits_then_runs(client: MmpClient) -> None:
    data = unique_customer()
    await client.inject("micollab", latency_ms=1000)
    created = await client.create_customer(data)
    customer_id = created.json()["customer_id"]
    deletion = await client.http.delete(api(client, f"/customers/{customer_id}"))
    assert deletion.status_code == 202
    assert deletion.json()["waiting_for"] == created.json()["task_id"]
    await client.clear_faults()
    assert (await client.wait_for_task(created.json()["task_id"]))["status"] == "COMPLETED"
    assert (await client.wait_for_task(deletion.json()["task_id"]))["status"] == "COMPLETED"
    assert await client.residue_of(customer_id) == []


async def test_r15_a_customer_keeps_its_copy_of_a_key_template_the_sp_edits_later(client: MmpClient) -> None:
    platform = client.config.service_urls["platform-svc"]
    template = (await client.http.get(f"{platform}/api/v1/key-templates/kt-standard-6930")).json()
    customer_id = await active(client, unique_customer())
    copied = (await client.simulator_state("mivb"))["tenants"][customer_id]["key_templates"]
    edited = {
        "name": template["name"],
        "phone_model": template["phone_model"],
        "keys": [{"position": 1, "function": "speed-dial", "label": "Reception"}],
    }
    assert (await client.http.put(f"{platform}/api/v1/key-templates/kt-standard-6930", json=edited)).status_code == 200
    try:
        assert (await client.simulator_state("mivb"))["tenants"][customer_id]["key_templates"] == copied
        newcomer = await active(client, unique_customer())
        newer = (await client.simulator_state("mivb"))["tenants"][newcomer]["key_templates"]
        assert newer[0]["keys"] == edited["keys"]
    finally:
        original = {k: template[k] for k in ("name", "phone_model", "keys")}
        await client.http.put(f"{platform}/api/v1/key-templates/kt-standard-6930", json=original)


async def test_r12_a_removal_the_mivb_refuses_changes_nothing(client: MmpClient) -> None:
    data = unique_customer()
    customer_id = await active(client, data)
    before = (await client.simulator_state("mivb"))["tenants"][customer_id]["dids"]
    first = int(data["did_ranges"][0]["start"])
    await client.inject("mivb", down=True)
    response = await client.http.post(
        api(client, f"/customers/{customer_id}/did-ranges/remove"), json={"start": str(first), "end": str(first + 4)}
    )
    task = await client.wait_for_task(response.json()["task_id"])
    await client.clear_faults()
    assert task["status"] == "FAILED"
    assert (await client.simulator_state("mivb"))["tenants"][customer_id]["dids"] == before
    ranges = (await client.http.get(api(client, f"/customers/{customer_id}/did-ranges"))).json()["items"]
    assert ranges == data["did_ranges"]


async def test_r11_a_sip_username_taken_on_the_shared_mbg_is_refused_naming_the_clash(client: MmpClient) -> None:
    first = unique_customer()
    await active(client, first)
    second = unique_customer()
    second["first_user"]["username"] = first["first_user"]["username"]
    accepted = await client.create_customer(second)
    record = await client.wait_for_customer(accepted.json()["customer_id"])
    assert record["status"] == "FAILED"
    assert [(v["field"], v["rule"]) for v in record["violations"]] == [("first_user.username", "R11")]
    assert await client.residue_of(record["customer_id"]) == []
