"""R20, R23: a create that stops half-way (the process dies between platform calls) leaves a CONFIGURING
assignment naming everything it planned, so a redelivery finishes or undoes it and a release finds it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts import CloudEvent, topics
from mmp_contracts.events import (
    CustomerDeletionRequested,
    PlatformAssigned,
    PlatformAssignmentFailed,
    PlatformReleased,
    RollbackRetryRequested,
)
from mmp_servicekit.testing import envelope

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

PLANNED = ["sip_claim", "mivb_tenant", "mivb_dids", "mbg_customer", "mbg_sip_user"]


class Crash(BaseException):
    """The process dying mid-call: nothing the service could catch and handle."""


async def crash() -> None:
    raise Crash


async def crashed_after_the_mivb(h: Harness, customer: str) -> CloudEvent:
    """Runs the create until it sends its first MBG call, which the 'crash' stops: the MiVB tenant exists."""
    event = envelope(h.requested(customer))
    h.when("PUT", h.mbg.url, crash)
    with pytest.raises(Crash):
        await h.create.customer_requested(event.data, event)  # type: ignore[arg-type]
    doc = await h.assignment(customer)
    assert (doc["state"], [step["kind"] for step in doc["held"]], doc["applied"]) == ("CONFIGURING", PLANNED, [])
    assert list((await h.mivb.state())["tenants"]) == [customer]
    assert list((await h.sip_claims()).values()) == [customer]
    return event


async def test_r20_a_redelivery_after_a_crash_finishes_the_create(registered: Harness) -> None:
    customer = registered.new_customer()
    event = await crashed_after_the_mivb(registered, customer)

    await registered.resend(event, topics.CUSTOMER_EVENTS)

    await registered.event(PlatformAssigned, customer)
    assert list((await registered.mivb.state())["tenants"]) == [customer]
    mbg_customers = (await registered.mbg.state())["customers"]
    assert list(mbg_customers) == [customer]
    assert list(mbg_customers[customer]["sip_users"]) == ["ahaddad"]
    assert list((await registered.sip_claims()).values()) == [customer]
    doc = await registered.assignment(customer)
    assert (doc["state"], doc["applied"]) == ("ASSIGNED", [event.key])  # CloudEvents: unique by source and id


async def test_r20_mivb_down_at_the_redelivery_undoes_what_was_planned_leaving_residue(registered: Harness) -> None:
    customer = registered.new_customer()
    event = await crashed_after_the_mivb(registered, customer)
    await registered.mivb.faults(down=True)

    await registered.resend(event, topics.CUSTOMER_EVENTS)

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert failed.residue == [f"MiVB tenant {customer} at {registered.mivb.url}"]
    assert failed.reason.startswith("R5: ")
    assert "rollback incomplete" in failed.reason
    assert (await registered.assignment(customer))["state"] == "RESIDUE"
    assert await registered.sip_claims() == {}  # the MBG holds nothing of it, so the name is free again

    await registered.mivb.clear_faults()
    await registered.send(RollbackRetryRequested(customer_id=customer, task_id="task-retry"))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mivb.state())["tenants"] == {}
    doc = await registered.assignment(customer)
    assert (doc["state"], doc["held"], doc["residue"]) == ("RELEASED", [], [])


async def test_r23_deleting_a_customer_whose_create_stopped_releases_what_it_planned(registered: Harness) -> None:
    customer = registered.new_customer()
    await crashed_after_the_mivb(registered, customer)

    await registered.send(CustomerDeletionRequested(customer_id=customer, task_id="task-delete"))

    await registered.event(PlatformReleased, customer)
    assert (await registered.mivb.state())["tenants"] == {}
    assert await registered.sip_claims() == {}
    assert (await registered.assignment(customer))["state"] == "RELEASED"
