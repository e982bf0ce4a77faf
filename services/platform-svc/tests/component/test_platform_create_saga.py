from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from mmp_contracts import topics
from mmp_contracts.events import PlatformAssigned, PlatformAssignmentFailed

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component


async def test_happy_path_configures_mivb_and_mbg_then_assigns(registered: Harness) -> None:
    customer = registered.new_customer()

    await registered.request(customer)

    assigned = await registered.event(PlatformAssigned, customer)
    assert assigned.platform_group_id == "pg-1"
    assert assigned.spec.details.webid == "harbour-dental"
    assert assigned.micollab.model_dump() == {
        "url": registered.micollab.url,
        "version": "9.8.0.0",
        "rest_api_scripts": True,
        "mivb_version": "10.1.0.0",
    }
    tenant = (await registered.mivb.state())["tenants"][customer]
    assert (tenant["webid"], tenant["extension_length"]) == ("harbour-dental", 4)
    assert [copy["id"] for copy in tenant["key_templates"]] == ["kt-standard-6930"]  # R15: copies, not ids
    assert tenant["dids"] == [["6135924000", "6135924019"]]
    assert "time_zone" not in tenant  # R9: MiVB 10.1 keeps its own zone
    mbg_customer = (await registered.mbg.state())["customers"][customer]
    assert list(mbg_customer["sip_users"]) == ["ahaddad"]
    doc = await registered.assignment(customer)
    assert doc["state"] == "ASSIGNED"
    assert [kind["kind"] for kind in doc["held"]] == [
        "sip_claim",
        "mivb_tenant",
        "mivb_dids",
        "mbg_customer",
        "mbg_sip_user",
    ]
    assert any("R9" in warning and "America/Toronto" in warning for warning in doc["warnings"])


async def test_a_redelivered_request_changes_nothing(registered: Harness) -> None:
    customer = registered.new_customer()
    first = await registered.send(registered.requested(customer))
    await registered.event(PlatformAssigned, customer)

    await registered.resend(first, topics.CUSTOMER_EVENTS)
    await registered.settle()

    assert registered.events_for(customer) == ["PlatformAssigned"]


async def test_r1_unknown_platform_group_fails(registered: Harness) -> None:
    customer = registered.new_customer()

    await registered.request(customer, platform={"platform_group_id": "pg-unknown"})

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert [(v.field, v.rule) for v in failed.violations] == [("platform.platform_group_id", "R1")]
    assert "pg-unknown" in failed.reason
    assert (await registered.assignment(customer))["state"] == "FAILED"


async def test_r4_missing_voicemail_hunt_group_fails_and_leaves_nothing(registered: Harness) -> None:
    await registered.mivb.control.delete("/api/hunt-groups/6000")
    customer = registered.new_customer()

    await registered.request(customer)

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert [v.rule for v in failed.violations] == ["R4"]
    assert "voicemail hunt group" in failed.reason
    assert (await registered.mivb.state())["tenants"] == {}
    assert await registered.sip_claims() == {}


async def test_r5_mivb_down_fails_naming_it_and_leaves_nothing(registered: Harness) -> None:
    await registered.mivb.faults(down=True)
    customer = registered.new_customer()

    await registered.request(customer)

    failed = await registered.event(PlatformAssignmentFailed, customer)
    assert [v.rule for v in failed.violations] == ["R5"]
    assert f"MiVB at {registered.mivb.url} is down" in failed.reason
    assert "MiCollab" not in failed.reason
    await registered.mivb.clear_faults()
    assert (await registered.mivb.state())["tenants"] == {}
    assert (await registered.mbg.state())["customers"] == {}
    assert await registered.sip_claims() == {}


async def test_r9_mivb_below_9_needs_a_time_zone(registered: Harness) -> None:
    await registered.mivb.control.put("/_sim/version", json={"version": "8.0.1.0"})
    without_zone, with_zone = registered.new_customer(), registered.new_customer()

    await registered.request(without_zone, time_zone={"zone": None})
    await registered.request(with_zone, username="other", dids=("6135925000", "6135925009"))

    failed = await registered.event(PlatformAssignmentFailed, without_zone)
    assert [(v.field, v.rule) for v in failed.violations] == [("time_zone.zone", "R9")]
    assigned = await registered.event(PlatformAssigned, with_zone)
    assert assigned.micollab.mivb_version == "8.0.1.0"
    tenant = (await registered.mivb.state())["tenants"][with_zone]
    assert tenant["time_zone"] == {"zone": "America/Toronto", "managed_by": "MBG"}


async def test_every_platform_call_is_timed(registered: Harness) -> None:
    await registered.pm_ready()
    customer = registered.new_customer()

    await registered.request(customer)
    await registered.event(PlatformAssigned, customer)

    metrics = (await registered.api.get("/metrics")).text
    for platform in ("MiVB", "MBG", "MiCollab", "Platform Manager"):
        assert f'mmp_platform_call_seconds_count{{outcome="ok",platform="{platform}"}}' in metrics, platform
