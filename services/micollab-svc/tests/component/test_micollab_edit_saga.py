"""R22: micollab-svc's part of the edit saga, against the real MiCollab simulator."""

import uuid
from typing import Any

import pytest

from micollab_svc.domain.tenant import NO_TENANT
from mmp_contracts import events as ev
from mmp_contracts import topics
from mmp_contracts.customer_spec import CustomerSpec
from mmp_servicekit.testing import envelope

from .conftest import MICOLLAB_URL, MiCollabService

pytestmark = pytest.mark.component

BUNDLES = [
    {"bundle_id": "standard-ipt", "quantity": 20, "next_gen_desktop_client": True},
    {"bundle_id": "entry-ucc", "quantity": 5, "miteam_meetings": True},
]


def spec(bundles: list[dict[str, Any]] = BUNDLES, name: str = "Harbour Dental Group") -> CustomerSpec:
    return CustomerSpec.model_validate(
        {
            "details": {"name": name, "webid": "harbour-dental", "contact_email": "it@hd.example"},
            "platform": {"platform_group_id": "pg-ottawa-1", "extension_length": 4, "dialing_privileges": "national"},
            "service_bundles": bundles,
            "first_user": {"first_name": "Amira", "last_name": "Haddad", "email": "a@hd.example", "username": "ah"},
        }
    )


def target(version: str = "9.8.0.0") -> ev.MiCollabTarget:
    return ev.MiCollabTarget(url=MICOLLAB_URL, version=version, rest_api_scripts=True, mivb_version="10.1.0.0")


async def provisioned(service: MiCollabService) -> str:
    customer_id = str(uuid.uuid4())
    assigned = ev.PlatformAssigned(
        customer_id=customer_id, platform_group_id="pg-ottawa-1", spec=spec(), micollab=target()
    )
    await service.publish(assigned, topics.PLATFORM_EVENTS)
    await service.events.wait_for(ev.MiCollabTenantProvisioned)
    return customer_id


def updated(
    customer_id: str, after: CustomerSpec, version: str = "9.8.0.0", task: str = "t-edit"
) -> ev.PlatformUpdated:
    return ev.PlatformUpdated(
        customer_id=customer_id, task_id=task, before=spec(), after=after, micollab=target(version)
    )


def with_changes(*changes: dict[str, Any]) -> list[dict[str, Any]]:
    """BUNDLES with each given bundle replacing the one of the same id, or added after them."""
    given = {change["bundle_id"]: change for change in changes}
    kept = [{**bundle, **given.pop(bundle["bundle_id"], {})} for bundle in BUNDLES]
    return kept + list(given.values())


async def test_a_bundle_quantity_change_and_a_new_name_are_applied(service: MiCollabService) -> None:
    customer_id = await provisioned(service)
    after = spec(with_changes({"bundle_id": "standard-ipt", "quantity": 25}), name="Harbour Dental")

    await service.publish(updated(customer_id, after), topics.PLATFORM_EVENTS)

    done = await service.events.wait_for(ev.MiCollabUpdated)
    assert (done.customer_id, done.task_id) == (customer_id, "t-edit")
    tenant = (await service.tenants())[customer_id]
    assert tenant["name"] == "Harbour Dental"
    assert tenant["bundles"]["standard-ipt"]["quantity"] == 25
    assert tenant["bundles"]["entry-ucc"]["quantity"] == 5
    assert tenant["users"]["ah"]["email"] == "a@hd.example"  # a PUT of the tenant keeps its users
    stored = await service.records.get(customer_id)
    assert stored is not None
    assert (stored.name, stored.decided("t-edit")) == ("Harbour Dental", True)


async def test_r16_a_new_bundle_with_miteam_meetings_on_9_1_is_refused_with_nothing_changed(
    service: MiCollabService,
) -> None:
    customer_id = await provisioned(service)
    before = await service.tenants()
    await service.simulator.put("/_sim/version", json={"version": "9.1.0.0"})
    after = spec(
        with_changes(
            {"bundle_id": "entry-ucc", "quantity": 8},  # already has MiTeam Meetings: keeps working
            {"bundle_id": "premium-ucc", "quantity": 2, "miteam_meetings": True},
        )
    )

    await service.publish(updated(customer_id, after, version="9.1.0.0"), topics.PLATFORM_EVENTS)

    failed = await service.events.wait_for(ev.MiCollabUpdateFailed)
    assert [(v.field, v.rule) for v in failed.violations] == [("service_bundles[2].miteam_meetings", "R16")]
    assert await service.tenants() == before
    assert service.events.of(ev.MiCollabUpdated) == []


async def test_a_failure_on_the_second_bundle_puts_the_first_changes_back(service: MiCollabService) -> None:
    customer_id = await provisioned(service)
    before = await service.tenants()
    await service.simulator.post("/_sim/faults", json={"fail_for": "entry-ucc"})
    after = spec(
        with_changes({"bundle_id": "standard-ipt", "quantity": 25}, {"bundle_id": "entry-ucc", "quantity": 6}),
        name="Harbour Dental",
    )

    await service.publish(updated(customer_id, after), topics.PLATFORM_EVENTS)

    failed = await service.events.wait_for(ev.MiCollabUpdateFailed)
    call = f"PUT /api/tenants/{customer_id}/bundles/entry-ucc"
    assert failed.reason.startswith(f"MiCollab {MICOLLAB_URL}: HTTP 500 on {call}: injected failure")
    assert failed.violations == []
    await service.simulator.delete("/_sim/faults")
    assert await service.tenants() == before
    stored = await service.records.get(customer_id)
    assert stored is not None
    assert stored.name == "Harbour Dental Group"


async def test_a_redelivered_or_repeated_update_is_applied_once(service: MiCollabService) -> None:
    customer_id = await provisioned(service)
    event = updated(customer_id, spec(with_changes({"bundle_id": "entry-ucc", "quantity": 7})))
    sent = envelope(event)

    await service.publish_envelope(sent, topics.PLATFORM_EVENTS)
    await service.publish_envelope(sent, topics.PLATFORM_EVENTS)
    await service.publish(event, topics.PLATFORM_EVENTS)  # the same task in a new envelope

    await service.events.wait_for(ev.MiCollabUpdated)
    await service.runtime.relay.flush()
    handled = service.runtime.metrics.registry.get_sample_value(
        "mmp_messages_handled_total", {"type": "PlatformUpdated"}
    )
    assert handled == 3
    assert len(service.events.of(ev.MiCollabUpdated)) == 1
    assert service.events.of(ev.MiCollabUpdateFailed) == []


async def test_an_edit_with_nothing_for_micollab_is_reported_at_once(service: MiCollabService) -> None:
    customer_id = await provisioned(service)
    await service.simulator.post("/_sim/faults", json={"down": True})  # no call is made at all
    after = spec().model_copy(update={"key_templates": ["kt-standard-6930"]})

    await service.publish(updated(customer_id, after), topics.PLATFORM_EVENTS)

    assert (await service.events.wait_for(ev.MiCollabUpdated)).task_id == "t-edit"


async def test_an_edit_of_a_removed_tenant_fails(service: MiCollabService) -> None:
    customer_id = await provisioned(service)
    await service.publish(
        ev.CustomerDeletionRequested(customer_id=customer_id, task_id="t-del"), topics.CUSTOMER_EVENTS
    )
    await service.events.wait_for(ev.MiCollabTenantRemoved)

    await service.publish(updated(customer_id, spec(name="Back again")), topics.PLATFORM_EVENTS)

    failed = await service.events.wait_for(ev.MiCollabUpdateFailed)
    assert failed.reason == NO_TENANT
    assert await service.tenants() == {}
