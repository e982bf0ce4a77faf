"""Delete (R23) and demo mode (R24) through customer-svc's API, its participants played by events."""

from typing import Any

import pytest

from mmp_contracts import events as ev
from mmp_contracts import examples, topics
from mmp_servicekit.testing import envelope

pytestmark = pytest.mark.component


async def publish(service: Any, message: Any, topic: str) -> None:
    await service.runtime.broker.publish(envelope(message).to_json(), topic, key=message.partition_key().encode())


async def active_customer(service: Any) -> str:
    body = examples.create_customer()["data"]
    customer_id = str((await service.http.post("/api/v1/customers", json=body)).json()["customer_id"])
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerActivated)
    return customer_id


async def test_r23_delete_asks_every_platform_then_frees_the_webid(service: Any) -> None:
    customer_id = await active_customer(service)
    response = await service.http.delete(f"/api/v1/customers/{customer_id}")
    assert response.status_code == 202
    requested = await service.events.wait_for(ev.CustomerDeletionRequested)
    assert requested.task_id == response.json()["task_id"]
    await publish(service, ev.MiCollabTenantRemoved(customer_id=customer_id), topics.MICOLLAB_EVENTS)
    await publish(service, ev.PlatformReleased(customer_id=customer_id), topics.PLATFORM_EVENTS)
    deleted = await service.events.wait_for(ev.CustomerDeleted)
    assert (deleted.webid, deleted.residue) == ("harbour-dental", [])
    task = (await service.http.get(f"/api/v1/tasks/{requested.task_id}")).json()
    assert (task["status"], task["customer_status"]) == ("COMPLETED", "DELETED")
    again = await service.http.post("/api/v1/customers", json=examples.create_customer()["data"])
    assert again.status_code == 202, "the WebID is free again"


async def test_r25_a_delete_asked_during_the_create_waits_for_it_then_runs(service: Any) -> None:
    body = examples.create_customer()["data"]
    created = (await service.http.post("/api/v1/customers", json=body)).json()
    customer_id = created["customer_id"]
    deletion = await service.http.delete(f"/api/v1/customers/{customer_id}")
    assert deletion.status_code == 202
    assert deletion.json()["waiting_for"] == created["task_id"]
    assert not service.events.of(ev.CustomerDeletionRequested)

    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    requested = await service.events.wait_for(ev.CustomerDeletionRequested)
    assert requested.task_id == deletion.json()["task_id"]


async def test_r25_a_request_waiting_for_a_create_that_fails_is_refused_with_the_reason(service: Any) -> None:
    body = examples.create_customer()["data"]
    customer_id = (await service.http.post("/api/v1/customers", json=body)).json()["customer_id"]
    edit = await service.http.patch(f"/api/v1/customers/{customer_id}", json={"hotdesk_devices": ["6920"]})
    assert edit.status_code == 202
    failed = ev.PlatformAssignmentFailed(customer_id=customer_id, reason="MiVB unreachable")
    await publish(service, failed, topics.PLATFORM_EVENTS)
    task = (await service.http.get(f"/api/v1/tasks/{edit.json()['task_id']}")).json()
    assert task["status"] == "FAILED"
    assert "which failed: MiVB unreachable" in task["reason"]


async def test_r25_independent_requests_are_not_held_up(service: Any) -> None:
    customer_id = await active_customer(service)
    edit = await service.http.patch(f"/api/v1/customers/{customer_id}", json={"hotdesk_devices": ["6920"]})
    assert edit.json()["waiting_for"] is None
    did = await service.http.post(
        f"/api/v1/customers/{customer_id}/did-ranges", json={"start": "6135929000", "end": "6135929009"}
    )
    assert did.status_code == 202
    assert did.json()["waiting_for"] is None, "a DID range does not wait for an edit of the customer"
    second_edit = await service.http.patch(f"/api/v1/customers/{customer_id}", json={"hotdesk_devices": []})
    assert second_edit.json()["waiting_for"] == edit.json()["task_id"], "a second edit waits for the first"


async def test_r24_the_maintenance_command_converts_and_a_demo_delete_lists_the_residue(service: Any) -> None:
    customer_id = await active_customer(service)
    command = {"command": "convertCustomerToDemoMode harbour-dental"}
    converted = await service.http.post("/api/v1/maintenance/commands", json=command)
    assert converted.status_code == 200, converted.text
    await service.events.wait_for(ev.CustomerConvertedToDemo)
    again = await service.http.post("/api/v1/maintenance/commands", json=command)
    assert again.status_code == 409, "one-way"

    deleted = await service.http.delete(f"/api/v1/customers/{customer_id}")
    assert deleted.status_code == 200
    residue = deleted.json()["residue"]
    assert [line.split()[0] for line in residue] == ["MiVB", "MBG", "MiCollab"]
    assert all(customer_id in line for line in residue)
    assert not service.events.of(ev.CustomerDeletionRequested), "no platform is touched"


async def test_r24_an_unknown_maintenance_command_is_refused(service: Any) -> None:
    response = await service.http.post("/api/v1/maintenance/commands", json={"command": "dropAllCustomers"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "command"


async def test_r25_two_requests_waiting_behind_the_create_run_one_after_the_other(service: Any) -> None:
    body = examples.create_customer()["data"]
    customer_id = (await service.http.post("/api/v1/customers", json=body)).json()["customer_id"]
    edit = (await service.http.patch(f"/api/v1/customers/{customer_id}", json={"hotdesk_devices": ["6920"]})).json()
    deletion = (await service.http.delete(f"/api/v1/customers/{customer_id}")).json()
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    requested = await service.events.wait_for(ev.CustomerUpdateRequested)
    assert requested.task_id == edit["task_id"]
    waiting = (await service.http.get(f"/api/v1/tasks/{deletion['task_id']}")).json()
    assert (waiting["status"], waiting["waiting_for"]) == ("PENDING", edit["task_id"]), "now behind the edit"

    await publish(service, ev.MiCollabUpdated(customer_id=customer_id, task_id=edit["task_id"]), topics.MICOLLAB_EVENTS)
    deletion_requested = await service.events.wait_for(ev.CustomerDeletionRequested)
    assert deletion_requested.task_id == deletion["task_id"]
