"""Edit (R22), billing confirmation (R27) and usage (R28) through customer-svc, participants played by events."""

from typing import Any

import pytest

from mmp_contracts import events as ev
from mmp_contracts import examples, topics
from mmp_servicekit.testing import envelope

pytestmark = pytest.mark.component


async def publish(service: Any, message: Any, topic: str) -> None:
    await service.runtime.broker.publish(envelope(message).to_json(), topic, key=message.partition_key().encode())


async def active_customer(service: Any, confirm_billing_changes: bool = False) -> str:
    body = examples.create_customer()["data"]
    body["platform"]["confirm_billing_changes"] = confirm_billing_changes
    customer_id = str((await service.http.post("/api/v1/customers", json=body)).json()["customer_id"])
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerActivated)
    return customer_id


def more_phones() -> dict[str, Any]:
    bundles = examples.create_customer()["data"]["service_bundles"]
    bundles[0]["quantity"] = 25
    return {"service_bundles": bundles, "dialing_privileges": "international"}


async def test_r22_an_edit_reaches_the_platforms_then_the_record(service: Any) -> None:
    customer_id = await active_customer(service)
    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=more_phones())
    assert response.status_code == 202, response.text
    requested = await service.events.wait_for(ev.CustomerUpdateRequested)
    assert requested.before.service_bundles[0].quantity == 20
    assert requested.after.service_bundles[0].quantity == 25
    assert requested.after.platform.dialing_privileges == "international"
    assert requested.after.details.webid == "harbour-dental"

    await publish(
        service, ev.MiCollabUpdated(customer_id=customer_id, task_id=requested.task_id), topics.MICOLLAB_EVENTS
    )
    updated = await service.events.wait_for(ev.CustomerUpdated)
    assert [(c.bundle_id, c.before, c.after, c.notify) for c in updated.billing_changes] == [
        ("standard-ipt", 20, 25, True)
    ]
    assert [(u.bundle_id, u.allocated, u.used) for u in updated.usage] == [("standard-ipt", 25, 1), ("entry-ucc", 5, 0)]
    usage = (await service.http.get(f"/api/v1/customers/{customer_id}/usage")).json()["usage"]
    assert usage[0] == {"bundle_id": "standard-ipt", "allocated": 25, "used": 1}
    assert (await service.http.get(f"/api/v1/tasks/{requested.task_id}")).json()["status"] == "COMPLETED"


async def test_r22_a_failed_edit_leaves_the_customer_exactly_as_it_was(service: Any) -> None:
    customer_id = await active_customer(service)
    before = (await service.http.get(f"/api/v1/customers/{customer_id}")).json()["spec"]
    await service.http.patch(f"/api/v1/customers/{customer_id}", json=more_phones())
    requested = await service.events.wait_for(ev.CustomerUpdateRequested)
    failed = ev.MiCollabUpdateFailed(customer_id=customer_id, task_id=requested.task_id, reason="MiCollab down")
    await publish(service, failed, topics.MICOLLAB_EVENTS)
    reverted = ev.PlatformUpdateReverted(customer_id=customer_id, task_id=requested.task_id)
    await publish(service, reverted, topics.PLATFORM_EVENTS)
    update_failed = await service.events.wait_for(ev.CustomerUpdateFailed)
    assert update_failed.reason == "MiCollab down"
    record = (await service.http.get(f"/api/v1/customers/{customer_id}")).json()
    assert (record["status"], record["spec"]) == ("ACTIVE", before)


async def test_r22_an_edit_breaking_a_rule_is_refused_with_field_and_rule(service: Any) -> None:
    customer_id = await active_customer(service)
    changes = {"cpn_substitutions": [{"dids": "4000-4019", "cpn": "613592xxxxxxxx"}]}
    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=changes)
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "R13"


async def test_r27_a_billing_change_waits_for_the_customer_to_confirm(service: Any) -> None:
    customer_id = await active_customer(service, confirm_billing_changes=True)
    task_id = (await service.http.patch(f"/api/v1/customers/{customer_id}", json=more_phones())).json()["task_id"]
    waiting = await service.events.wait_for(ev.BillingChangeAwaitingConfirmation)
    assert waiting.task_id == task_id
    assert (await service.http.get(f"/api/v1/customers/{customer_id}")).json()["status"] == "AWAITING_CONFIRMATION"
    assert not service.events.of(ev.CustomerUpdateRequested)

    confirmed = await service.http.post(
        f"/api/v1/customers/{customer_id}/billing-confirmation", json={"task_id": task_id, "accept": True}
    )
    assert confirmed.status_code == 200, confirmed.text
    await service.events.wait_for(ev.CustomerUpdateRequested)


async def test_r27_a_rejected_billing_change_ends_the_edit(service: Any) -> None:
    customer_id = await active_customer(service, confirm_billing_changes=True)
    task_id = (await service.http.patch(f"/api/v1/customers/{customer_id}", json=more_phones())).json()["task_id"]
    await service.http.post(
        f"/api/v1/customers/{customer_id}/billing-confirmation", json={"task_id": task_id, "accept": False}
    )
    failed = await service.events.wait_for(ev.CustomerUpdateFailed)
    assert "rejected" in failed.reason
    assert (await service.http.get(f"/api/v1/customers/{customer_id}")).json()["status"] == "ACTIVE"


async def test_r24_a_demo_customer_cannot_be_edited(service: Any) -> None:
    customer_id = await active_customer(service)
    await service.http.post(f"/api/v1/customers/{customer_id}/demo-mode")
    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=more_phones())
    assert response.status_code == 409
    assert "demo mode" in response.json()["detail"][0]["message"]


async def test_a_catalogue_change_never_alters_what_a_customer_was_sold(service: Any) -> None:
    body = examples.create_customer()["data"]
    body["platform"]["extension_length"] = 7
    customer_id = str((await service.http.post("/api/v1/customers", json=body)).json()["customer_id"])
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerActivated)
    two_phones = {"name": "Standard IPT", "service_type": "Standard IPT", "phone_types": ["6920"], "phones_per_user": 2}
    assert (await service.http.put("/api/v1/bundles/standard-ipt", json=two_phones)).status_code == 200

    record = (await service.http.get(f"/api/v1/customers/{customer_id}")).json()
    assert record["bundles_sold"]["standard-ipt"]["phones_per_user"] == 1
    response = await service.http.patch(f"/api/v1/customers/{customer_id}", json=more_phones())
    assert response.status_code == 202, "R7 is judged on the terms sold, not on today's catalogue"
    fresh = examples.create_customer()["data"] | {"platform": body["platform"]}
    fresh["details"] = {**fresh["details"], "webid": "fresh-dental"}
    fresh["did_ranges"] = [{"start": "6135927000", "end": "6135927009"}]
    refused = await service.http.post("/api/v1/customers", json=fresh)
    assert refused.status_code == 422, "a new customer gets today's terms"
    assert refused.json()["detail"][0]["rule"] == "R7"
