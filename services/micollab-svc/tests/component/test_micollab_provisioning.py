import uuid

import pytest

from micollab_svc.domain.tenant import TenantState
from mmp_contracts import events as ev
from mmp_contracts import topics
from mmp_contracts.customer_spec import CustomerSpec
from mmp_servicekit.testing import envelope

from .conftest import MICOLLAB_URL, MiCollabService

pytestmark = pytest.mark.component


def spec(miteam_meetings: bool, fetch_ports: bool) -> CustomerSpec:
    return CustomerSpec.model_validate(
        {
            "details": {"name": "Harbour Dental Group", "webid": "harbour-dental", "contact_email": "it@hd.example"},
            "platform": {"platform_group_id": "pg-ottawa-1", "extension_length": 4, "dialing_privileges": "national"},
            "service_bundles": [
                {"bundle_id": "standard-ipt", "quantity": 20, "next_gen_desktop_client": True},
                {
                    "bundle_id": "entry-ucc",
                    "quantity": 5,
                    "fetch_npm_awv_ports": fetch_ports,
                    "miteam_meetings": miteam_meetings,
                },
            ],
            "first_user": {
                "first_name": "Amira",
                "last_name": "Haddad",
                "email": "amira@hd.example",
                "username": "ahaddad",
            },
        }
    )


def assigned(version: str = "9.8.0.0", miteam_meetings: bool = True, fetch_ports: bool = True) -> ev.PlatformAssigned:
    return ev.PlatformAssigned(
        customer_id=str(uuid.uuid4()),
        platform_group_id="pg-ottawa-1",
        spec=spec(miteam_meetings, fetch_ports),
        micollab=ev.MiCollabTarget(url=MICOLLAB_URL, version=version, rest_api_scripts=True, mivb_version="10.1.0.0"),
    )


async def test_platform_assigned_creates_tenant_bundles_and_first_user(service: MiCollabService) -> None:
    event = assigned()
    await service.publish(event, topics.PLATFORM_EVENTS)

    provisioned = await service.events.wait_for(ev.MiCollabTenantProvisioned)
    assert provisioned.customer_id == event.customer_id
    assert provisioned.bundles == ["standard-ipt", "entry-ucc"]
    tenant = (await service.tenants())[event.customer_id]
    assert (tenant["name"], tenant["webid"]) == ("Harbour Dental Group", "harbour-dental")
    assert tenant["bundles"]["standard-ipt"]["quantity"] == 20
    assert tenant["bundles"]["entry-ucc"]["miteam_meetings"] is True
    assert tenant["users"]["ahaddad"] == {
        "first_name": "Amira",
        "last_name": "Haddad",
        "email": "amira@hd.example",
        "username": "ahaddad",
    }
    stored = await service.records.get(event.customer_id)
    assert stored is not None
    assert stored.state is TenantState.PROVISIONED
    assert (stored.micollab_url, stored.created.tenant, stored.created.user) == (MICOLLAB_URL, True, "ahaddad")
    assert stored.created.bundles == ["standard-ipt", "entry-ucc"]


async def test_r16_miteam_meetings_on_micollab_9_1_is_rejected_with_nothing_created(service: MiCollabService) -> None:
    await service.simulator.put("/_sim/version", json={"version": "9.1.0.0"})
    event = assigned(version="9.1.0.0", fetch_ports=False)
    await service.publish(event, topics.PLATFORM_EVENTS)

    failed = await service.events.wait_for(ev.MiCollabProvisioningFailed)
    assert [(v.field, v.rule) for v in failed.violations] == [("service_bundles[1].miteam_meetings", "R16")]
    assert failed.residue == []
    assert await service.tenants() == {}
    assert service.events.of(ev.MiCollabTenantProvisioned) == []


async def test_a_failing_bundle_call_is_undone_and_reported(service: MiCollabService) -> None:
    await service.simulator.post("/_sim/faults", json={"fail_for": "entry-ucc"})
    event = assigned()
    await service.publish(event, topics.PLATFORM_EVENTS)

    failed = await service.events.wait_for(ev.MiCollabProvisioningFailed)
    call = f"PUT /api/tenants/{event.customer_id}/bundles/entry-ucc"
    assert failed.reason == f"MiCollab {MICOLLAB_URL}: HTTP 500 on {call}: injected failure"
    assert failed.residue == []
    assert await service.tenants() == {}
    stored = await service.records.get(event.customer_id)
    assert stored is not None
    assert stored.state is TenantState.FAILED


async def test_micollab_down_fails_with_a_clear_reason_and_nothing_left(service: MiCollabService) -> None:
    await service.simulator.post("/_sim/faults", json={"down": True})
    event = assigned()
    await service.publish(event, topics.PLATFORM_EVENTS)

    failed = await service.events.wait_for(ev.MiCollabProvisioningFailed)  # R5
    assert f"HTTP 503 on PUT /api/tenants/{event.customer_id}: MiCollab unreachable" in failed.reason
    assert failed.residue == []


async def test_a_redelivered_platform_assigned_provisions_once(service: MiCollabService) -> None:
    event = assigned()
    sent = envelope(event)
    await service.publish_envelope(sent, topics.PLATFORM_EVENTS)
    await service.publish_envelope(sent, topics.PLATFORM_EVENTS)
    await service.publish(event, topics.PLATFORM_EVENTS)  # same fact, new message id: the state guard holds

    await service.events.wait_for(ev.MiCollabTenantProvisioned)
    await service.runtime.relay.flush()
    handled = service.runtime.metrics.registry.get_sample_value(
        "mmp_messages_handled_total", {"type": "PlatformAssigned"}
    )
    assert handled == 3
    assert len(service.events.of(ev.MiCollabTenantProvisioned)) == 1
    assert service.events.of(ev.MiCollabProvisioningFailed) == []
    assert list(await service.tenants()) == [event.customer_id]


async def test_rollback_retry_removes_what_a_failed_undo_left(service: MiCollabService) -> None:
    await service.simulator.post("/_sim/faults", json={"fail_for": "entry-ucc"})
    service.network.enabled = True
    event = assigned()
    await service.publish(event, topics.PLATFORM_EVENTS)

    failed = await service.events.wait_for(ev.MiCollabProvisioningFailed)
    assert failed.residue == [f"MiCollab tenant {event.customer_id} at {MICOLLAB_URL}"]
    assert f"undo failed: unreachable on DELETE /api/tenants/{event.customer_id}" in failed.reason
    assert list(await service.tenants()) == [event.customer_id]
    stored = await service.records.get(event.customer_id)
    assert stored is not None
    assert stored.state is TenantState.RESIDUE

    retry = ev.RollbackRetryRequested(customer_id=event.customer_id, task_id="task-2")
    await service.publish(retry, topics.CUSTOMER_EVENTS)  # the network still down: still a residue
    still = await service.events.wait_for(ev.MiCollabRemovalFailed)
    assert still.residue == failed.residue

    service.network.enabled = False
    await service.simulator.delete("/_sim/faults")
    await service.publish(retry, topics.CUSTOMER_EVENTS)

    removed = await service.events.wait_for(ev.MiCollabTenantRemoved)
    assert removed.customer_id == event.customer_id
    assert await service.tenants() == {}
    stored = await service.records.get(event.customer_id)
    assert stored is not None
    assert stored.state is TenantState.REMOVED


async def test_rollback_retry_for_a_customer_never_seen_reports_removed(service: MiCollabService) -> None:
    customer_id = str(uuid.uuid4())
    await service.publish(ev.RollbackRetryRequested(customer_id=customer_id, task_id="t"), topics.CUSTOMER_EVENTS)

    assert (await service.events.wait_for(ev.MiCollabTenantRemoved)).customer_id == customer_id
    late = assigned()
    await service.publish(late.model_copy(update={"customer_id": customer_id}), topics.PLATFORM_EVENTS)
    await service.runtime.relay.flush()
    assert await service.tenants() == {}  # the tombstone keeps a late PlatformAssigned from creating anything
    assert service.events.of(ev.MiCollabTenantProvisioned) == []


async def test_r23_a_deletion_removes_the_tenant_and_its_users(service: MiCollabService) -> None:
    event = assigned()
    await service.publish(event, topics.PLATFORM_EVENTS)
    await service.events.wait_for(ev.MiCollabTenantProvisioned)
    assert event.customer_id in await service.tenants()

    await service.publish(
        ev.CustomerDeletionRequested(customer_id=event.customer_id, task_id="t-del"), topics.CUSTOMER_EVENTS
    )
    removed = await service.events.wait_for(ev.MiCollabTenantRemoved)
    assert removed.customer_id == event.customer_id
    assert event.customer_id not in await service.tenants()
