"""R22: an edit carried to the MiVB (MBG untouched), or refused by the rules on the live platforms,
checked on the real simulators. Put back and revert: test_platform_edit_revert.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts import topics
from mmp_contracts.events import (
    PlatformAssignmentFailed,
    PlatformUpdated,
    PlatformUpdateFailed,
)
from mmp_servicekit.testing import wait_until

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component

TASK = "task-edit"
NEW_NAME = "Harbour Dental Group Ltd"
RECEPTION = {"name": "Reception", "phone_model": "6940", "keys": [{"position": 1, "function": "line", "label": "A"}]}
STANDARD = "kt-standard-6930"


async def test_r22_edit_reaches_the_mivb_keeps_the_copies_and_leaves_the_mbg(registered: Harness) -> None:
    (await registered.api.put("/api/v1/key-templates/kt-reception", json=RECEPTION)).raise_for_status()
    customer = await registered.assigned_customer()
    changed_standard = {**RECEPTION, "name": "Standard, changed by the SP"}
    (await registered.api.put(f"/api/v1/key-templates/{STANDARD}", json=changed_standard)).raise_for_status()
    after = {"details": {"name": NEW_NAME}, "platform": {"dialing_privileges": "international"}}

    request = await registered.send(registered.edit(customer, key_templates=[STANDARD, "kt-reception"], **after))

    updated = await registered.event(PlatformUpdated, customer)
    assert (updated.task_id, updated.after.details.name, updated.before.details.name) == (
        TASK,
        NEW_NAME,
        "Harbour Dental Group",
    )
    assert updated.micollab.model_dump() == {
        "url": registered.micollab.url,
        "version": "9.8.0.0",
        "rest_api_scripts": True,
        "mivb_version": "10.1.0.0",
    }
    tenant = (await registered.mivb.state())["tenants"][customer]
    assert (tenant["name"], tenant["dialing_privileges"]) == (NEW_NAME, "international")
    assert [(copy["id"], copy["name"]) for copy in tenant["key_templates"]] == [
        (STANDARD, "Standard 6930"),  # R15: the customer's copy, not the SP's edited template
        ("kt-reception", "Reception"),
    ]
    assert tenant["dids"] == [["6135924000", "6135924019"]]
    assert (await registered.mbg.state())["customers"][customer]["name"] == "Harbour Dental Group"
    doc = await registered.assignment(customer)
    [record] = doc["tasks"]
    assert (record["outcome"], record["body"]["name"], record["previous"]["name"]) == (
        "APPLIED",
        NEW_NAME,
        "Harbour Dental Group",
    )
    assert [copy["id"] for copy in doc["key_templates"]] == [STANDARD, "kt-reception"]
    # A redelivery, or the same task in a new envelope, changes nothing and answers nothing.
    await registered.resend(request, topics.CUSTOMER_EVENTS)
    await registered.send(registered.edit(customer, details={"name": "Something else"}))
    await registered.settle()
    assert registered.events_for(customer) == ["PlatformAssigned", "PlatformUpdated"]
    assert (await registered.mivb.state())["tenants"][customer]["name"] == NEW_NAME


async def test_r15_an_unknown_key_template_refuses_the_edit_and_changes_nothing(registered: Harness) -> None:
    customer = await registered.assigned_customer()

    await registered.send(registered.edit(customer, details={"name": NEW_NAME}, key_templates=[STANDARD, "kt-none"]))

    failed = await registered.event(PlatformUpdateFailed, customer)
    assert [(v.field, v.rule) for v in failed.violations] == [("key_templates[1]", "R15")]
    assert "'kt-none' does not exist" in failed.reason
    assert (await registered.mivb.state())["tenants"][customer]["name"] == "Harbour Dental Group"


async def test_r5_micollab_down_refuses_the_edit(registered: Harness) -> None:
    customer = await registered.assigned_customer()
    await registered.micollab.faults(down=True)

    await registered.send(registered.edit(customer, details={"name": NEW_NAME}))

    failed = await registered.event(PlatformUpdateFailed, customer)
    assert [v.rule for v in failed.violations] == ["R5"]
    assert f"MiCollab at {registered.micollab.url} is down" in failed.reason
    assert (await registered.mivb.state())["tenants"][customer]["name"] == "Harbour Dental Group"


async def test_r9_r14_are_checked_on_the_live_mivb_version(registered: Harness) -> None:
    customer = await registered.assigned_customer()
    await registered.mivb.control.put("/_sim/version", json={"version": "5.0.0.0"})
    long_cesid = {"locations": [{"name": "Main", "cesid": "61359240001"}]}

    await registered.send(registered.edit(customer, "task-r9", time_zone={"zone": None}))
    await registered.send(registered.edit(customer, "task-r14", emergency=long_cesid))

    await wait_until(lambda: len(registered.capture.of(PlatformUpdateFailed)) == 2, 5, "two refusals")
    r9, r14 = registered.capture.of(PlatformUpdateFailed)
    assert [(v.field, v.rule) for v in r9.violations] == [("time_zone.zone", "R9")]
    assert [(v.field, v.rule) for v in r14.violations] == [("emergency.locations[0].cesid", "R14")]
    assert (await registered.mivb.state())["tenants"][customer]["emergency"]["locations"] == []


async def test_r22_only_a_customer_in_place_is_edited(registered: Harness) -> None:
    unknown, refused = registered.new_customer(), registered.new_customer()
    await registered.request(refused, platform={"platform_group_id": "pg-unknown"})
    await registered.event(PlatformAssignmentFailed, refused)

    await registered.send(registered.edit(unknown, details={"name": NEW_NAME}))
    await registered.send(registered.edit(refused, details={"name": NEW_NAME}))

    assert (
        await registered.event(PlatformUpdateFailed, unknown)
    ).reason == f"customer {unknown} has no platform assignment"
    failed = await registered.event(PlatformUpdateFailed, refused)
    assert failed.reason == f"customer {refused} is not in place on its platforms (FAILED)"
