"""No customer stays pending forever: the deadline job gives up work past its deadline and undoes it through the
participants, and the SP can fail a stuck task by hand (`POST /api/v1/tasks/{id}/fail`)."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from customer_svc.adapters.store import deadline_minute
from mmp_contracts import events as ev
from mmp_contracts import examples, topics
from mmp_servicekit.tenancy import mint_customer_token
from mmp_servicekit.testing import envelope

pytestmark = pytest.mark.component

PAST_CREATE_DEADLINE = timedelta(seconds=601)


async def publish(service: Any, message: Any, topic: str) -> None:
    await service.runtime.broker.publish(envelope(message).to_json(), topic, key=message.partition_key().encode())


async def created(service: Any, webid: str = "harbour-dental") -> dict[str, Any]:
    body = examples.create_customer()["data"]
    body["details"]["webid"] = webid
    response = await service.http.post("/api/v1/customers", json=body)
    assert response.status_code == 202, response.text
    return dict(response.json())


async def customer(service: Any, customer_id: str) -> dict[str, Any]:
    return dict((await service.http.get(f"/api/v1/customers/{customer_id}")).json())


async def test_r20_a_create_past_its_deadline_is_undone_by_both_participants_then_failed(service: Any) -> None:
    task = await created(service)
    customer_id = task["customer_id"]

    await service.handlers.deadlines.pass_deadlines(datetime.now(UTC) + PAST_CREATE_DEADLINE)

    asked = await service.events.wait_for(ev.RollbackRetryRequested)
    assert (asked.customer_id, asked.task_id) == (customer_id, task["task_id"])
    assert (await customer(service, customer_id))["status"] == "ROLLING_BACK"
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    await publish(service, ev.PlatformReleased(customer_id=customer_id), topics.PLATFORM_EVENTS)
    await publish(service, ev.MiCollabTenantRemoved(customer_id=customer_id), topics.MICOLLAB_EVENTS)

    failed = await service.events.wait_for(ev.TaskFailed)
    assert failed.reason.startswith("deadline of 600 s passed while waiting for platform-svc and micollab-svc")
    assert (await customer(service, customer_id))["status"] == "FAILED", "the late activation moved nothing back"
    assert not service.events.of(ev.CustomerActivated)


async def test_r21_an_undo_nobody_answers_ends_rollback_failed_at_its_own_deadline(service: Any) -> None:
    customer_id = (await created(service))["customer_id"]
    at = datetime.now(UTC) + PAST_CREATE_DEADLINE
    await service.handlers.deadlines.pass_deadlines(at)
    await service.handlers.deadlines.pass_deadlines(at + timedelta(seconds=601))

    rollback_failed = await service.events.wait_for(ev.CustomerRollbackFailed)
    assert [line.split(":")[0] for line in rollback_failed.residue] == [
        "the MiVB tenant and MBG customer",
        "the MiCollab tenant",
    ]
    assert (await customer(service, customer_id))["status"] == "ROLLBACK_FAILED"


async def awaiting_confirmation(service: Any) -> str:
    """A customer whose edit waits a week for its confirmation of the billing change (R27)."""
    body = examples.create_customer()["data"]
    body["details"]["webid"] = "confirming-dental"
    body["did_ranges"] = [{"start": "6135990000", "end": "6135990009"}]
    body["platform"]["confirm_billing_changes"] = True
    customer_id = (await service.http.post("/api/v1/customers", json=body)).json()["customer_id"]
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    bundles = [{"bundle_id": b["bundle_id"], "quantity": b["quantity"] + 1} for b in body["service_bundles"]]
    edit = await service.http.patch(f"/api/v1/customers/{customer_id}", json={"service_bundles": bundles})
    assert edit.status_code == 202, edit.text
    await service.events.wait_for(ev.BillingChangeAwaitingConfirmation)
    return str(customer_id)


async def test_the_deadline_job_finds_a_customer_by_the_minute_of_its_deadline_only(service: Any) -> None:
    provisioning = (await created(service))["customer_id"]
    confirming = await awaiting_confirmation(service)
    due, this_minute = service.handlers.deadlines.due, deadline_minute(datetime.now(UTC))

    async def found(minutes: range) -> list[str]:
        return [c.customer_id for minute in minutes for c in await due.due_in(minute)]

    assert await found(range(this_minute, this_minute + 12)) == [provisioning]
    assert await found(range(this_minute + 7 * 24 * 60 - 1, this_minute + 7 * 24 * 60 + 2)) == [confirming]

    await service.handlers.deadlines.pass_deadlines(datetime.now(UTC) + PAST_CREATE_DEADLINE)
    assert (await customer(service, provisioning))["status"] == "ROLLING_BACK"
    assert (await customer(service, confirming))["status"] == "AWAITING_CONFIRMATION"


async def test_the_sp_fails_a_stuck_create_which_is_undone(service: Any) -> None:
    task = await created(service)

    response = await service.http.post(f"/api/v1/tasks/{task['task_id']}/fail")

    assert response.status_code == 202, response.text
    assert response.headers["Location"] == f"/api/v1/tasks/{task['task_id']}"
    assert (response.json()["status"], response.json()["customer_status"]) == ("PENDING", "ROLLING_BACK")
    await service.events.wait_for(ev.RollbackRetryRequested)
    again = await service.http.post(f"/api/v1/tasks/{task['task_id']}/fail")
    assert (again.status_code, again.json()["status"], again.json()["customer_status"]) == (
        202,
        "FAILED",
        "ROLLBACK_FAILED",
    )
    closed = await service.http.post(f"/api/v1/tasks/{task['task_id']}/fail")
    assert closed.status_code == 409
    assert closed.json()["detail"][0]["rule"] == "state"


async def test_failing_a_task_is_for_the_sp_only_and_an_unknown_one_is_404(service: Any) -> None:
    task = await created(service)
    assert (await service.http.post("/api/v1/tasks/no-such-task/fail")).status_code == 404
    token = mint_customer_token(service.runtime.settings.token_secret.get_secret_value(), task["customer_id"])
    own = await service.http.post(f"/api/v1/tasks/{task['task_id']}/fail", headers={"Authorization": f"Bearer {token}"})
    assert own.status_code == 403
