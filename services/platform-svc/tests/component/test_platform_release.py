from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts import topics
from mmp_contracts.events import (
    MiCollabProvisioningFailed,
    PlatformAssigned,
    PlatformAssignmentFailed,
    PlatformReleased,
    PlatformReleaseFailed,
    RollbackRetryRequested,
)

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component


async def assigned_customer(harness: Harness) -> str:
    customer = harness.new_customer()
    await harness.request(customer)
    await harness.event(PlatformAssigned, customer)
    return customer


def micollab_failed(customer: str) -> MiCollabProvisioningFailed:
    return MiCollabProvisioningFailed(customer_id=customer, reason="MiCollab http://micollab: HTTP 500")


async def test_micollab_failure_releases_mivb_and_mbg(registered: Harness) -> None:
    customer = await assigned_customer(registered)

    failure = await registered.send(micollab_failed(customer))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mivb.state())["tenants"] == {}
    assert (await registered.mbg.state())["customers"] == {}
    assert await registered.sip_claims() == {}
    assert (await registered.assignment(customer))["state"] == "RELEASED"
    # A duplicate, or a late second failure, never moves the assignment again.
    await registered.resend(failure, topics.MICOLLAB_EVENTS)
    await registered.send(micollab_failed(customer))
    await registered.settle()
    assert registered.events_for(customer) == ["PlatformAssigned", "PlatformReleased"]


async def test_release_with_mivb_down_reports_residue_then_retry_releases(registered: Harness) -> None:
    customer = await assigned_customer(registered)
    await registered.mivb.faults(down=True)

    await registered.send(micollab_failed(customer))

    failed = await registered.event(PlatformReleaseFailed, customer)
    assert failed.residue == [f"MiVB tenant {customer} at {registered.mivb.url}"]
    assert f"MiVB {registered.mivb.url}: HTTP 503" in failed.reason
    assert (await registered.mbg.state())["customers"] == {}
    assert await registered.sip_claims() == {}  # the MBG let go of the user: the name is free again
    assert (await registered.assignment(customer))["state"] == "RESIDUE"

    await registered.mivb.clear_faults()
    await registered.send(RollbackRetryRequested(customer_id=customer, task_id="task-retry"))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mivb.state())["tenants"] == {}
    doc = await registered.assignment(customer)
    assert (doc["state"], doc["held"], doc["residue"]) == ("RELEASED", [], [])


async def test_release_with_mbg_down_keeps_the_sip_username_claimed(registered: Harness) -> None:
    customer = await assigned_customer(registered)
    await registered.mbg.faults(down=True)

    await registered.send(micollab_failed(customer))

    failed = await registered.event(PlatformReleaseFailed, customer)
    assert failed.residue == [f"MBG customer {customer} at {registered.mbg.url}"]
    assert list((await registered.sip_claims()).values()) == [customer]  # R11: the MBG still has the user
    assert (await registered.mivb.state())["tenants"] == {}

    await registered.mbg.clear_faults()
    await registered.send(RollbackRetryRequested(customer_id=customer, task_id="task-retry"))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mbg.state())["customers"] == {}
    assert await registered.sip_claims() == {}


async def test_rollback_retry_with_nothing_held_answers_released_at_once(registered: Harness) -> None:
    unknown, refused = registered.new_customer(), registered.new_customer()
    await registered.request(refused, platform={"platform_group_id": "pg-unknown"})
    await registered.event(PlatformAssignmentFailed, refused)

    await registered.send(RollbackRetryRequested(customer_id=unknown, task_id="task-u"))
    await registered.send(RollbackRetryRequested(customer_id=refused, task_id="task-r"))

    await registered.event(PlatformReleased, unknown)
    await registered.event(PlatformReleased, refused)
    assert (await registered.assignment(unknown))["state"] == "RELEASED"
    assert (await registered.assignment(refused))["state"] == "FAILED"


async def test_micollab_failure_for_a_failed_assignment_is_ignored(registered: Harness) -> None:
    customer = registered.new_customer()
    await registered.request(customer, platform={"platform_group_id": "pg-unknown"})
    await registered.event(PlatformAssignmentFailed, customer)

    await registered.send(micollab_failed(customer))
    await registered.settle()

    assert registered.events_for(customer) == ["PlatformAssignmentFailed"]
