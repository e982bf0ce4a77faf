"""A customer put through many requests keeps a bounded document: its create, its open tasks and its last 50
closed ones; a task dropped answers 404."""

from typing import Any

import pytest

from mmp_contracts import events as ev
from mmp_contracts import examples, topics
from mmp_servicekit.testing import envelope

pytestmark = pytest.mark.component


async def test_a_customer_keeps_its_create_and_its_last_50_closed_tasks(service: Any) -> None:
    created = (await service.http.post("/api/v1/customers", json=examples.create_customer()["data"])).json()
    customer_id = created["customer_id"]
    activated = ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[])
    await service.runtime.broker.publish(
        envelope(activated).to_json(), topics.MICOLLAB_EVENTS, key=customer_id.encode()
    )
    await service.events.wait_for(ev.CustomerActivated)

    refused = []
    for _ in range(60):
        answer = await service.http.post(
            f"/api/v1/customers/{customer_id}/billing-confirmation", json={"task_id": "t-none", "accept": True}
        )
        assert answer.status_code == 409
        refused.append(answer.json()["task_id"])

    tasks = (await service.http.get(f"/api/v1/customers/{customer_id}/tasks")).json()["items"]
    assert [t["task_id"] for t in tasks] == [created["task_id"], *refused[10:]]
    assert (await service.http.get(f"/api/v1/tasks/{refused[0]}")).status_code == 404
    assert (await service.http.get(f"/api/v1/tasks/{refused[-1]}")).status_code == 200
