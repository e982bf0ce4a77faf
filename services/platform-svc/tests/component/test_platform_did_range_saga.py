"""R12: DID ranges added to and removed from a customer in place, on the real MiVB simulator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from mmp_contracts import topics
from mmp_contracts.customer_spec import DidRange
from mmp_contracts.events import (
    DidRangeAdditionRequested,
    DidRangeProvisioned,
    DidRangeProvisioningFailed,
    DidRangeReleased,
    DidRangeReleaseFailed,
    DidRangeRemovalRequested,
    PlatformAssigned,
    PlatformAssignmentFailed,
)

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

FIRST = ["6135924000", "6135924019"]  # the range every test customer is created with
NEW = DidRange(start="6135925000", end="6135925009")


async def assigned_customer(harness: Harness, **spec_changes: Any) -> str:
    customer = harness.new_customer()
    await harness.request(customer, **spec_changes)
    await harness.event(PlatformAssigned, customer)
    return customer


def addition(customer: str, did_range: DidRange = NEW, group: str = "pg-1") -> DidRangeAdditionRequested:
    return DidRangeAdditionRequested(
        customer_id=customer, task_id="task-add", platform_group_id=group, did_range=did_range
    )


def removal(customer: str, did_range: DidRange) -> DidRangeRemovalRequested:
    return DidRangeRemovalRequested(
        customer_id=customer, task_id="task-remove", platform_group_id="pg-1", did_range=did_range
    )


async def dids_of(harness: Harness, customer: str) -> list[list[str]]:
    dids: list[list[str]] = (await harness.mivb.state())["tenants"][customer]["dids"]
    return dids


async def held_ranges(harness: Harness, customer: str) -> list[str]:
    return [step["target"] for step in (await harness.assignment(customer))["held"] if step["kind"] == "mivb_dids"]


async def test_r12_an_added_range_is_on_the_mivb_and_held(registered: Harness) -> None:
    customer = await assigned_customer(registered)

    request = await registered.send(addition(customer))

    provisioned = await registered.event(DidRangeProvisioned, customer)
    assert (provisioned.task_id, provisioned.did_range) == ("task-add", NEW)
    assert await dids_of(registered, customer) == [FIRST, [NEW.start, NEW.end]]
    assert await held_ranges(registered, customer) == ["6135924000-6135924019", "6135925000-6135925009"]
    await registered.resend(request, topics.CUSTOMER_EVENTS)
    await registered.send(addition(customer, DidRange(start="6135927000", end="6135927009")))  # same task id
    await registered.settle()
    assert registered.events_for(customer) == ["PlatformAssigned", "DidRangeProvisioned"]
    assert len(await dids_of(registered, customer)) == 2


async def test_r12_a_range_another_tenant_holds_fails_and_leaves_nothing(registered: Harness) -> None:
    holder = await assigned_customer(registered)
    customer = await assigned_customer(registered, username="bsmith", dids=("6135928000", "6135928009"))
    taken = DidRange(start="6135924010", end="6135924029")  # half of it is the holder's

    await registered.send(addition(customer, taken))

    failed = await registered.event(DidRangeProvisioningFailed, customer)
    assert f"HTTP 409 on PUT /api/tenants/{customer}/dids/6135924010-6135924029" in failed.reason
    assert f"held by tenant {holder}" in failed.reason
    assert await dids_of(registered, customer) == [["6135928000", "6135928009"]]
    assert await dids_of(registered, holder) == [FIRST]
    assert await held_ranges(registered, customer) == ["6135928000-6135928009"]


async def test_r12_an_addition_with_the_mivb_down_fails(registered: Harness) -> None:
    customer = await assigned_customer(registered)
    await registered.mivb.faults(down=True)

    await registered.send(addition(customer))

    failed = await registered.event(DidRangeProvisioningFailed, customer)
    assert failed.reason.startswith(f"MiVB {registered.mivb.url}: HTTP 503 on PUT")
    await registered.mivb.clear_faults()
    assert await dids_of(registered, customer) == [FIRST]
    assert await held_ranges(registered, customer) == ["6135924000-6135924019"]


async def test_r12_ranges_change_only_for_a_customer_in_place_on_its_group(registered: Harness) -> None:
    unknown, unknown_too = registered.new_customer(), registered.new_customer()
    refused, elsewhere = registered.new_customer(), await assigned_customer(registered)
    await registered.request(refused, platform={"platform_group_id": "pg-unknown"})
    await registered.event(PlatformAssignmentFailed, refused)

    await registered.send(addition(unknown))
    await registered.send(addition(refused))
    await registered.send(addition(elsewhere, group="pg-2"))
    await registered.send(removal(unknown_too, NEW))

    no_assignment = (await registered.event(DidRangeProvisioningFailed, unknown)).reason
    assert no_assignment == f"customer {unknown} has no platform assignment"
    not_in_place = (await registered.event(DidRangeProvisioningFailed, refused)).reason
    assert not_in_place == f"customer {refused} is not in place on its platforms (FAILED)"
    wrong_group = (await registered.event(DidRangeProvisioningFailed, elsewhere)).reason
    assert wrong_group == f"customer {elsewhere} is on platform group 'pg-1', not 'pg-2'"
    not_removed = (await registered.event(DidRangeReleaseFailed, unknown_too)).reason
    assert not_removed == f"customer {unknown_too} has no platform assignment"
    assert await dids_of(registered, elsewhere) == [FIRST]


async def test_r12_removing_the_middle_of_a_range_splits_it(registered: Harness) -> None:
    customer = await assigned_customer(registered)
    middle = DidRange(start="6135924005", end="6135924009")

    await registered.send(removal(customer, middle))

    released = await registered.event(DidRangeReleased, customer)
    assert (released.task_id, released.did_range) == ("task-remove", middle)
    assert await dids_of(registered, customer) == [["6135924000", "6135924004"], ["6135924010", "6135924019"]]
    assert await held_ranges(registered, customer) == ["6135924000-6135924004", "6135924010-6135924019"]


async def test_r12_a_removal_with_the_mivb_down_fails_and_keeps_the_range(registered: Harness) -> None:
    customer = await assigned_customer(registered)
    await registered.mivb.faults(down=True)

    await registered.send(removal(customer, DidRange(start=FIRST[0], end=FIRST[1])))

    failed = await registered.event(DidRangeReleaseFailed, customer)
    assert f"HTTP 503 on DELETE /api/tenants/{customer}/dids/6135924000-6135924019" in failed.reason
    await registered.mivb.clear_faults()
    assert await dids_of(registered, customer) == [FIRST]
    assert await held_ranges(registered, customer) == ["6135924000-6135924019"]
