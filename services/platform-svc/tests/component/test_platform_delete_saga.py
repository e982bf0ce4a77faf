"""R23: a deletion releases everything the customer holds on MiVB and MBG, and leaves nothing that
could make a new customer with the same WebID, first user and DIDs fail."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts import topics
from mmp_contracts.customer_spec import DidRange
from mmp_contracts.events import (
    CustomerDeletionRequested,
    DidRangeAdditionRequested,
    DidRangeProvisioned,
    PlatformAssigned,
    PlatformReleased,
    PlatformReleaseFailed,
)

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

ADDED = DidRange(start="6135926000", end="6135926009")


async def assigned_customer(harness: Harness) -> str:
    customer = harness.new_customer()
    await harness.request(customer)
    await harness.event(PlatformAssigned, customer)
    return customer


def deletion(customer: str, task_id: str = "task-delete") -> CustomerDeletionRequested:
    return CustomerDeletionRequested(customer_id=customer, task_id=task_id)


async def add_range(harness: Harness, customer: str) -> None:
    added = DidRangeAdditionRequested(
        customer_id=customer, task_id="task-add", platform_group_id="pg-1", did_range=ADDED
    )
    await harness.send(added)
    await harness.event(DidRangeProvisioned, customer)


async def test_r23_deletion_releases_mivb_mbg_and_the_sip_username(registered: Harness) -> None:
    customer = await assigned_customer(registered)

    request = await registered.send(deletion(customer))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mivb.state())["tenants"] == {}
    assert (await registered.mbg.state())["customers"] == {}
    assert await registered.sip_claims() == {}
    doc = await registered.assignment(customer)
    assert (doc["state"], doc["held"], doc["residue"]) == ("RELEASED", [], [])
    await registered.resend(request, topics.CUSTOMER_EVENTS)  # a redelivery changes nothing
    await registered.settle()
    assert registered.events_for(customer) == ["PlatformAssigned", "PlatformReleased"]


async def test_r23_a_new_customer_with_the_same_webid_user_and_dids_is_assigned(registered: Harness) -> None:
    deleted = await assigned_customer(registered)
    await add_range(registered, deleted)
    await registered.send(deletion(deleted))
    await registered.event(PlatformReleased, deleted)
    again = registered.new_customer()

    await registered.request(again)  # the same spec: WebID, first user (SIP username), DID range

    assigned = await registered.event(PlatformAssigned, again)
    assert assigned.spec == registered.customer_spec()
    tenants = (await registered.mivb.state())["tenants"]
    assert list(tenants) == [again]
    assert tenants[again]["dids"] == [["6135924000", "6135924019"]]
    assert list((await registered.mbg.state())["customers"][again]["sip_users"]) == ["ahaddad"]
    assert list((await registered.sip_claims()).values()) == [again]
    await add_range(registered, again)  # the range the deleted customer had added is free too
    assert (await registered.mivb.state())["tenants"][again]["dids"][-1] == [ADDED.start, ADDED.end]


async def test_r23_a_failed_deletion_leaves_residue_and_a_second_request_retries(registered: Harness) -> None:
    customer = await assigned_customer(registered)
    await registered.mivb.faults(down=True)

    await registered.send(deletion(customer))

    failed = await registered.event(PlatformReleaseFailed, customer)
    assert failed.residue == [f"MiVB tenant {customer} at {registered.mivb.url}"]
    assert (await registered.assignment(customer))["state"] == "RESIDUE"
    assert (await registered.mbg.state())["customers"] == {}

    await registered.mivb.clear_faults()
    await registered.send(deletion(customer, task_id="task-delete-again"))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mivb.state())["tenants"] == {}
    assert (await registered.assignment(customer))["state"] == "RELEASED"


async def test_r23_deleting_a_customer_that_holds_nothing_answers_released_at_once(registered: Harness) -> None:
    unknown = registered.new_customer()

    await registered.send(deletion(unknown))

    await registered.event(PlatformReleased, unknown)
    assert (await registered.assignment(unknown))["state"] == "RELEASED"
