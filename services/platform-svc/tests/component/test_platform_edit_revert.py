"""R22: an edit the MiVB could not take is put back; an edit MiCollab could not take afterwards is
reverted on the MiVB (or its residue reported), or answered at once when the MiVB had nothing to do."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from mmp_contracts import topics
from mmp_contracts.events import (
    MiCollabUpdateFailed,
    PlatformUpdated,
    PlatformUpdateFailed,
    PlatformUpdateReverted,
    PlatformUpdateRevertFailed,
)

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

TASK = "task-edit"
NEW_NAME = "Harbour Dental Group Ltd"
RECEPTION = {"name": "Reception", "phone_model": "6940", "keys": [{"position": 1, "function": "line", "label": "A"}]}
STANDARD = "kt-standard-6930"


async def edited_customer(harness: Harness) -> tuple[str, dict[str, Any]]:
    """A customer whose edit (a new name and a second key template) the MiVB carries; its tenant before."""
    (await harness.api.put("/api/v1/key-templates/kt-reception", json=RECEPTION)).raise_for_status()
    customer = await harness.assigned_customer()
    tenant_before = (await harness.mivb.state())["tenants"][customer]
    await harness.send(harness.edit(customer, details={"name": NEW_NAME}, key_templates=[STANDARD, "kt-reception"]))
    await harness.event(PlatformUpdated, customer)
    return customer, tenant_before


def micollab_failed(customer: str) -> MiCollabUpdateFailed:
    return MiCollabUpdateFailed(customer_id=customer, task_id=TASK, reason="MiCollab http://micollab: HTTP 500")


async def test_r22_a_failed_mivb_call_puts_the_previous_tenant_back(registered: Harness) -> None:
    customer = await registered.assigned_customer()
    tenant_before = (await registered.mivb.state())["tenants"][customer]
    await registered.mivb.faults(fail_for="Ltd")  # the edit's body fails (500: it may have acted), not the old one

    await registered.send(registered.edit(customer, details={"name": NEW_NAME}))

    failed = await registered.event(PlatformUpdateFailed, customer)
    assert failed.reason.startswith(f"MiVB {registered.mivb.url}: HTTP 500 on PUT /api/tenants/{customer}")
    assert failed.violations == []
    assert (await registered.mivb.state())["tenants"][customer] == tenant_before
    assert (await registered.assignment(customer))["mivb_body"]["name"] == "Harbour Dental Group"


async def test_r22_micollab_failure_reverts_the_mivb_to_before_the_edit(registered: Harness) -> None:
    customer, tenant_before = await edited_customer(registered)
    assert (await registered.mivb.state())["tenants"][customer]["name"] == NEW_NAME

    failure = await registered.send(micollab_failed(customer))

    await registered.event(PlatformUpdateReverted, customer)
    assert (await registered.mivb.state())["tenants"][customer] == tenant_before
    doc = await registered.assignment(customer)
    assert (doc["tasks"][-1]["outcome"], doc["mivb_body"]["name"]) == ("REVERTED", "Harbour Dental Group")
    assert [copy["id"] for copy in doc["key_templates"]] == [STANDARD]
    await registered.resend(failure, topics.MICOLLAB_EVENTS)
    await registered.send(micollab_failed(customer))
    await registered.settle()
    assert registered.events_for(customer) == ["PlatformAssigned", "PlatformUpdated", "PlatformUpdateReverted"]


async def test_r22_a_revert_that_cannot_reach_the_mivb_reports_the_residue(registered: Harness) -> None:
    customer, _ = await edited_customer(registered)
    await registered.mivb.faults(down=True)

    await registered.send(micollab_failed(customer))

    failed = await registered.event(PlatformUpdateRevertFailed, customer)
    assert failed.residue == [f"MiVB tenant {customer} at {registered.mivb.url} holds the edit of task {TASK}"]
    assert f"MiVB {registered.mivb.url}: HTTP 503" in failed.reason
    await registered.mivb.clear_faults()
    assert (await registered.mivb.state())["tenants"][customer]["name"] == NEW_NAME
    assert (await registered.assignment(customer))["state"] == "ASSIGNED"
    await registered.send(micollab_failed(customer))  # the same task again: decided already
    await registered.settle()
    assert registered.events_for(customer)[-1] == "PlatformUpdateRevertFailed"
    assert (await registered.mivb.state())["tenants"][customer]["name"] == NEW_NAME


async def test_r22_a_put_back_that_fails_too_is_named_in_the_reason(registered: Harness) -> None:
    customer = await registered.assigned_customer()

    async def mivb_down() -> None:
        await registered.mivb.faults(down=True)

    registered.when("PUT", f"/api/tenants/{customer}", mivb_down)  # after the checks, before the edit

    await registered.send(registered.edit(customer, details={"name": NEW_NAME}))

    failed = await registered.event(PlatformUpdateFailed, customer)
    assert failed.reason.startswith(f"MiVB {registered.mivb.url}: HTTP 503 on PUT /api/tenants/{customer}")
    assert "putting it back failed" in failed.reason
    await registered.mivb.clear_faults()
    assert (await registered.mivb.state())["tenants"][customer][
        "name"
    ] == "Harbour Dental Group"  # a 503 changed nothing


async def test_r22_an_edit_with_nothing_for_the_mivb_is_updated_at_once(registered: Harness) -> None:
    customer = await registered.assigned_customer()
    puts: list[str] = []

    async def seen() -> None:
        puts.append("PUT")

    registered.when("PUT", "/api/tenants/", seen)
    bundles = [{"bundle_id": "standard-ucc", "quantity": 3}]

    await registered.send(registered.edit(customer, service_bundles=bundles, details={"contact_email": "x@hd.example"}))

    updated = await registered.event(PlatformUpdated, customer)
    assert [bundle.bundle_id for bundle in updated.after.service_bundles] == ["standard-ucc"]
    assert puts == []
    assert (await registered.assignment(customer))["tasks"][0]["outcome"] == "UNCHANGED"

    await registered.send(micollab_failed(customer))  # nothing applied here: reverted at once

    await registered.event(PlatformUpdateReverted, customer)
    assert puts == []
