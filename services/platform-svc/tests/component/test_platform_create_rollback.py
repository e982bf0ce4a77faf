from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts.events import (
    PlatformAssigned,
    PlatformAssignmentFailed,
    PlatformReleased,
    RollbackRetryRequested,
)

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component


async def test_mbg_down_after_mivb_succeeded_removes_the_mivb_tenant_again(registered: Harness) -> None:
    await registered.mbg.faults(down=True)
    customer = registered.new_customer()

    await registered.request(customer)

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert failed.reason.startswith(f"MBG {registered.mbg.url}: HTTP 503 on PUT /api/customers/{customer}")
    assert (failed.violations, failed.residue) == ([], [])
    assert (await registered.mivb.state())["tenants"] == {}
    assert await registered.sip_claims() == {}
    assert (await registered.assignment(customer))["state"] == "FAILED"


async def test_sip_user_failure_undoes_mbg_customer_and_mivb_tenant(registered: Harness) -> None:
    await registered.mbg.faults(fail_for="sip-users")
    customer = registered.new_customer()

    await registered.request(customer)

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert f"HTTP 500 on PUT /api/customers/{customer}/sip-users/ahaddad" in failed.reason
    assert (await registered.mbg.state())["customers"] == {}
    assert (await registered.mivb.state())["tenants"] == {}


async def test_did_overlap_refused_by_mivb_fails_and_keeps_the_other_customer(registered: Harness) -> None:
    first, second = registered.new_customer(), registered.new_customer()
    await registered.request(first)
    await registered.event(PlatformAssigned, first)

    await registered.request(second, username="bsmith")

    failed = await registered.event(PlatformAssignmentFailed, second)
    assert f"HTTP 409 on PUT /api/tenants/{second}/dids/6135924000-6135924019" in failed.reason
    assert f"held by tenant {first}" in failed.reason
    assert list((await registered.mivb.state())["tenants"]) == [first]
    assert list((await registered.mbg.state())["customers"]) == [first]
    assert list((await registered.sip_claims()).values()) == [first]


async def test_r11_second_customer_on_the_same_mbg_cannot_take_the_sip_username(registered: Harness) -> None:
    first, second = registered.new_customer(), registered.new_customer()
    await registered.request(first)
    await registered.event(PlatformAssigned, first)

    await registered.request(second, dids=("6135926000", "6135926009"))

    failed = await registered.event(PlatformAssignmentFailed, second)
    assert [(v.field, v.rule) for v in failed.violations] == [("first_user.username", "R11")]
    mbg_id = registered.mbg.url.removeprefix("http://")
    assert failed.reason == f"R11: SIP username 'ahaddad' is already used on MBG {mbg_id} by customer {first}"
    assert list((await registered.mivb.state())["tenants"]) == [first]
    assert list((await registered.sip_claims()).values()) == [first]


async def test_failed_undo_at_create_leaves_residue_then_a_retry_clears_it(registered: Harness) -> None:
    await registered.mbg.faults(down=True)
    registered.when("PUT", registered.mbg.url, lambda: registered.mivb.faults(down=True))
    customer = registered.new_customer()

    await registered.request(customer)

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert failed.residue == [f"MiVB tenant {customer} at {registered.mivb.url}"]
    assert "rollback incomplete" in failed.reason
    assert (await registered.assignment(customer))["state"] == "RESIDUE"
    assert list((await registered.mivb.state())["tenants"]) == [customer]

    await registered.mivb.clear_faults()
    await registered.send(RollbackRetryRequested(customer_id=customer, task_id="task-retry"))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mivb.state())["tenants"] == {}
    doc = await registered.assignment(customer)
    assert (doc["state"], doc["held"], doc["residue"]) == ("RELEASED", [], [])
