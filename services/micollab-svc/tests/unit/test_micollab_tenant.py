"""The tenant aggregate: its decisions on provisioning (R16-R21), removal (R21, R23) and edits (R22)."""

from typing import Any

import pytest

from micollab_svc.adapters.store import TenantMapper
from micollab_svc.domain.edit import Item, plan_edit, put_back
from micollab_svc.domain.tenant import NO_TENANT, Refused, Tenant, TenantState
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import CustomerSpec

pytestmark = pytest.mark.unit

URL = "http://micollab"


def spec(*bundles: dict[str, Any], name: str = "Acme") -> CustomerSpec:
    return CustomerSpec.model_validate(
        {
            "details": {"name": name, "webid": "acme", "contact_email": "it@acme.example"},
            "platform": {"platform_group_id": "pg-1", "extension_length": 4, "dialing_privileges": "national"},
            "service_bundles": list(bundles) or [{"bundle_id": "entry-ucc", "quantity": 5}],
            "first_user": {"first_name": "Ann", "last_name": "Lee", "email": "ann@acme.example", "username": "alee"},
        }
    )


def target(version: str = "9.8.0.0") -> ev.MiCollabTarget:
    return ev.MiCollabTarget(url=URL, version=version, rest_api_scripts=True, mivb_version="10.1.0.0")


def assigned(version: str = "9.8.0.0", *bundles: dict[str, Any]) -> ev.PlatformAssigned:
    return ev.PlatformAssigned(
        customer_id="c-1", platform_group_id="pg-1", spec=spec(*bundles), micollab=target(version)
    )


def provisioned() -> Tenant:
    event = assigned()
    tenant = Tenant.assigned(event)
    plan = tenant.plan(event.spec, event.micollab)
    tenant.tenant_created()
    tenant.bundle_created("entry-ucc")
    tenant.user_created("alee")
    tenant.provisioned(plan)
    return tenant


def updated(after: CustomerSpec, task: str = "t-edit", version: str = "9.8.0.0") -> ev.PlatformUpdated:
    return ev.PlatformUpdated(customer_id="c-1", task_id=task, before=spec(), after=after, micollab=target(version))


def test_r16_a_gate_refuses_before_anything_is_created() -> None:
    event = assigned("9.1.0.0", {"bundle_id": "entry-ucc", "quantity": 5, "miteam_meetings": True})
    tenant = Tenant.assigned(event)

    with pytest.raises(Refused) as refused:
        tenant.plan(event.spec, event.micollab)
    [failed] = tenant.reject(refused.value)

    assert isinstance(failed, ev.MiCollabProvisioningFailed)
    assert [(v.field, v.rule) for v in failed.violations] == [("service_bundles[0].miteam_meetings", "R16")]
    assert failed.reason == f"MiCollab {URL}: version 9.1.0.0 cannot carry the bundles asked for"
    assert (tenant.state, tenant.held_at()) == (TenantState.REJECTED, None)


def test_provisioned_holds_the_tenant_and_reports_its_bundles() -> None:
    tenant = provisioned()

    assert (tenant.state, tenant.held_at()) == (TenantState.PROVISIONED, URL)
    assert (tenant.created.tenant, tenant.created.bundles, tenant.created.user) == (True, ["entry-ucc"], "alee")


def test_r20_a_failed_call_needs_an_undo_once_something_may_exist() -> None:
    tenant = Tenant.assigned(assigned())
    assert not tenant.needs_undo(failed_call_may_have_acted=False)
    assert tenant.needs_undo(failed_call_may_have_acted=True)
    tenant.tenant_created()
    assert tenant.needs_undo(failed_call_may_have_acted=False)


def test_r20_an_undone_provisioning_is_failed_with_nothing_left() -> None:
    tenant = Tenant.assigned(assigned())
    tenant.tenant_created()

    [failed] = tenant.provisioning_failed("MiCollab http://micollab: HTTP 500 on PUT /api/tenants/c-1: boom")

    assert isinstance(failed, ev.MiCollabProvisioningFailed)
    assert (failed.residue, tenant.state, tenant.created.tenant) == ([], TenantState.FAILED, False)


def test_r21_an_undo_that_fails_leaves_a_residue_named_in_the_reason() -> None:
    tenant = Tenant.assigned(assigned())
    tenant.tenant_created()

    [failed] = tenant.provisioning_failed("MiCollab x: HTTP 500 on PUT", "unreachable on DELETE /api/tenants/c-1")

    assert isinstance(failed, ev.MiCollabProvisioningFailed)
    assert failed.residue == [f"MiCollab tenant c-1 at {URL}"]
    assert failed.reason == "MiCollab x: HTTP 500 on PUT; undo failed: unreachable on DELETE /api/tenants/c-1"
    assert (tenant.state, tenant.held_at()) == (TenantState.RESIDUE, URL)


def test_r21_r23_a_release_removes_or_keeps_the_residue() -> None:
    tenant = provisioned()

    [still] = tenant.release("MiCollab http://micollab: unreachable on DELETE")
    assert isinstance(still, ev.MiCollabRemovalFailed)
    assert (tenant.state, still.residue) == (TenantState.RESIDUE, [f"MiCollab tenant c-1 at {URL}"])

    [removed] = tenant.release(None)
    assert isinstance(removed, ev.MiCollabTenantRemoved)
    assert (tenant.state, tenant.residue, tenant.held_at(), tenant.created.tenant) == (
        TenantState.REMOVED,
        [],
        None,
        False,
    )
    assert [type(e) for e in tenant.release(None)] == [ev.MiCollabTenantRemoved]  # holding nothing: removed again


def test_a_tombstone_holds_nothing_and_refuses_every_edit() -> None:
    tombstone = Tenant.tombstone("c-1")

    assert [type(e) for e in tombstone.release(None)] == [ev.MiCollabTenantRemoved]
    with pytest.raises(Refused, match=NO_TENANT):
        tombstone.plan_edit(updated(spec(name="Acme Ltd")))


def test_r22_an_edit_is_decided_once_per_task() -> None:
    tenant = provisioned()
    event = updated(spec({"bundle_id": "entry-ucc", "quantity": 7}, {"bundle_id": "mobile", "quantity": 1}, name="B"))

    [done] = tenant.edited(event) or []

    assert done == ev.MiCollabUpdated(customer_id="c-1", task_id="t-edit")
    assert (tenant.name, tenant.created.bundles, tenant.decided("t-edit")) == ("B", ["entry-ucc", "mobile"], True)
    assert tenant.edited(event) is None
    assert tenant.edit_refused("t-edit", Refused("late")) is None
    assert tenant.edit_put_back("t-edit", "late", []) is None


def test_r22_a_failed_edit_names_what_could_not_be_put_back() -> None:
    tenant = provisioned()

    [failed] = tenant.edit_put_back("t-1", "MiCollab x: HTTP 500 on PUT", ["HTTP 500 on DELETE"]) or []

    assert isinstance(failed, ev.MiCollabUpdateFailed)
    assert failed.reason == "MiCollab x: HTTP 500 on PUT; put back failed: HTTP 500 on DELETE"
    assert tenant.name == "Acme"


def test_r16_an_edit_newly_asking_for_what_micollab_cannot_carry_is_refused() -> None:
    tenant = provisioned()
    event = updated(spec({"bundle_id": "entry-ucc", "quantity": 5, "miteam_meetings": True}), version="9.1.0.0")

    with pytest.raises(Refused) as refused:
        tenant.plan_edit(event)
    [failed] = tenant.edit_refused("t-edit", refused.value) or []

    assert isinstance(failed, ev.MiCollabUpdateFailed)
    assert [(v.field, v.rule) for v in failed.violations] == [("service_bundles[0].miteam_meetings", "R16")]


def test_r22_put_back_undoes_in_reverse_and_the_failed_call_only_if_it_may_have_acted() -> None:
    steps = plan_edit(spec(name="A"), spec({"bundle_id": "entry-ucc", "quantity": 9}, name="B"))
    tenant_step, bundle_step = steps

    assert put_back([tenant_step], bundle_step, may_have_acted=False) == [tenant_step.undone()]
    assert put_back([tenant_step], bundle_step, may_have_acted=True) == [bundle_step.undone(), tenant_step.undone()]
    assert put_back([tenant_step], bundle_step, may_have_acted=True)[1].item is Item.TENANT


def test_the_stored_tenant_reads_back_as_it_was() -> None:
    tenant = provisioned()
    tenant.edited(updated(spec(name="B")))
    mapper = TenantMapper()

    assert mapper.from_document(mapper.to_document(tenant)) == tenant
