"""Adding and removing DID ranges (R12) through customer-svc, platform-svc played by events."""

import time
from typing import Any

import pytest

from customer_svc.adapters.did_index import DidIndex
from mmp_contracts import events as ev
from mmp_contracts import examples, topics
from mmp_contracts.customer_spec import DidRange
from mmp_servicekit.testing import envelope

pytestmark = pytest.mark.component


async def publish(service: Any, message: Any, topic: str) -> None:
    await service.runtime.broker.publish(envelope(message).to_json(), topic, key=message.partition_key().encode())


async def active_customer(service: Any, webid: str = "harbour-dental", first: str = "6135924000") -> str:
    body = examples.create_customer()["data"]
    body["details"]["webid"] = webid
    body["did_ranges"] = [{"start": first, "end": str(int(first) + 19)}]
    response = await service.http.post("/api/v1/customers", json=body)
    assert response.status_code == 202, response.text
    customer_id = str(response.json()["customer_id"])
    await publish(service, ev.MiCollabTenantProvisioned(customer_id=customer_id, bundles=[]), topics.MICOLLAB_EVENTS)
    await service.events.wait_for(ev.CustomerActivated)
    return customer_id


async def test_r12_a_range_is_added_once_platform_svc_provisioned_it(service: Any) -> None:
    customer_id = await active_customer(service)
    new = {"start": "6135925000", "end": "6135925009"}
    response = await service.http.post(f"/api/v1/customers/{customer_id}/did-ranges", json=new)
    assert response.status_code == 202, response.text
    requested = await service.events.wait_for(ev.DidRangeAdditionRequested)
    assert (requested.platform_group_id, requested.did_range.model_dump()) == ("pg-ottawa-1", new)
    await publish(
        service,
        ev.DidRangeProvisioned(customer_id=customer_id, task_id=requested.task_id, did_range=requested.did_range),
        topics.PLATFORM_EVENTS,
    )
    await service.events.wait_for(ev.DidRangeAdded)
    ranges = (await service.http.get(f"/api/v1/customers/{customer_id}/did-ranges")).json()["items"]
    assert ranges == [{"start": "6135924000", "end": "6135924019"}, new]


async def test_r12_a_range_another_customer_of_the_group_holds_is_refused(service: Any) -> None:
    first = await active_customer(service)
    second = await active_customer(service, webid="second-dental", first="6135926000")
    response = await service.http.post(
        f"/api/v1/customers/{second}/did-ranges", json={"start": "6135924010", "end": "6135924030"}
    )
    assert response.status_code == 409
    assert response.json()["detail"][0]["rule"] == "R12"
    assert first != second


async def test_r12_a_failed_provisioning_frees_the_numbers_again(service: Any) -> None:
    customer_id = await active_customer(service)
    new = {"start": "6135925000", "end": "6135925009"}
    await service.http.post(f"/api/v1/customers/{customer_id}/did-ranges", json=new)
    requested = await service.events.wait_for(ev.DidRangeAdditionRequested)
    failed = ev.DidRangeProvisioningFailed(
        customer_id=customer_id, task_id=requested.task_id, did_range=requested.did_range, reason="MiVB 409"
    )
    await publish(service, failed, topics.PLATFORM_EVENTS)
    task = (await service.http.get(f"/api/v1/tasks/{requested.task_id}")).json()
    assert (task["status"], task["reason"]) == ("FAILED", "MiVB 409")
    other = await active_customer(service, webid="other-dental", first="6135925000")
    assert other


async def test_r12_removing_the_middle_of_a_range_splits_it(service: Any) -> None:
    customer_id = await active_customer(service)
    middle = {"start": "6135924005", "end": "6135924009"}
    response = await service.http.post(f"/api/v1/customers/{customer_id}/did-ranges/remove", json=middle)
    assert response.status_code == 202, response.text
    requested = await service.events.wait_for(ev.DidRangeRemovalRequested)
    await publish(
        service,
        ev.DidRangeReleased(customer_id=customer_id, task_id=requested.task_id, did_range=requested.did_range),
        topics.PLATFORM_EVENTS,
    )
    await service.events.wait_for(ev.DidRangeRemoved)
    ranges = (await service.http.get(f"/api/v1/customers/{customer_id}/did-ranges")).json()["items"]
    assert ranges == [{"start": "6135924000", "end": "6135924004"}, {"start": "6135924010", "end": "6135924019"}]


async def test_r12_numbers_the_customer_does_not_hold_cannot_be_removed(service: Any) -> None:
    customer_id = await active_customer(service)
    response = await service.http.post(
        f"/api/v1/customers/{customer_id}/did-ranges/remove", json={"start": "6135924015", "end": "6135924025"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["rule"] == "R12"


async def test_r12_a_refused_add_overlapping_the_customers_own_range_frees_none_of_its_numbers(service: Any) -> None:
    customer_id = await active_customer(service)
    overlapping = {"start": "6135924010", "end": "6135924030"}
    refused = await service.http.post(f"/api/v1/customers/{customer_id}/did-ranges", json=overlapping)
    assert refused.status_code == 422
    other = await active_customer(service, webid="other-dental", first="6135925000")
    taken = await service.http.post(
        f"/api/v1/customers/{other}/did-ranges", json={"start": "6135924015", "end": "6135924016"}
    )
    assert taken.status_code == 409, "the first customer still holds 6135924010-19"


async def test_r12_numbers_claimed_by_a_create_that_failed_before_its_record_are_free_afterwards(
    service: Any,
) -> None:
    index = service.handlers.dids.index
    an_hour_ago = DidIndex(index.blocks, index.holders, clock=lambda: time.time() - 3600)
    numbers = DidRange(start="6135924000", end="6135924019")
    assert await an_hour_ago.claim("pg-ottawa-1", "crashed-before-writing-its-customer", numbers) is None

    body = examples.create_customer()["data"]
    body["did_ranges"] = [numbers.model_dump()]
    retried = await service.http.post("/api/v1/customers", json=body)
    assert retried.status_code == 202, retried.text

    other = await active_customer(service, webid="other-dental", first="6135925000")
    taken = await service.http.post(
        f"/api/v1/customers/{other}/did-ranges", json={"start": "6135924005", "end": "6135924005"}
    )
    assert taken.status_code == 409, "the numbers are the retried customer's now"


async def test_r12_a_late_report_about_other_numbers_work_gives_away_none_still_being_added(service: Any) -> None:
    customer_id = await active_customer(service)
    adding = {"start": "6135925000", "end": "6135925009"}
    await service.http.post(f"/api/v1/customers/{customer_id}/did-ranges", json=adding)
    await service.events.wait_for(ev.DidRangeAdditionRequested)
    late = ev.DidRangeProvisioningFailed(
        customer_id=customer_id, task_id="an-earlier-task", did_range=DidRange(**adding), reason="MiVB 409"
    )
    await publish(service, late, topics.PLATFORM_EVENTS)

    other = await active_customer(service, webid="other-dental", first="6135926000")
    taken = await service.http.post(f"/api/v1/customers/{other}/did-ranges", json=adding)
    assert taken.status_code == 409, "the numbers are still being added for the first customer"
