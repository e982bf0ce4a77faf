"""The create saga's state machine, without I/O: guarded transitions and what each one announces."""

from datetime import UTC, datetime

import pytest

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import PLATFORM_CONFIGURED, Customer
from customer_svc.domain.record import Status
from customer_svc.domain.refusal import Refused
from customer_svc.domain.tasks import TaskStatus
from mmp_contracts import events as ev
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import CustomerChanges

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, tzinfo=UTC)
CATALOGUE = {
    "standard-ipt": Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
    "entry-ucc": Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
}


def requested() -> Customer:
    spec = CreateCustomer.model_validate(examples.create_customer()["data"]).spec()
    customer, emitted = Customer.request("c-1", "t-1", spec, {}, NOW)
    assert [type(e) for e in emitted] == [ev.CustomerRequested]
    return customer


def test_micollab_done_activates_once() -> None:
    customer = requested()
    emitted = customer.micollab_provisioned(["standard-ipt"], "https://portal", NOW)
    assert [type(e) for e in emitted] == [ev.CustomerActivated, ev.TaskCompleted]
    assert customer.record.status is Status.ACTIVE
    assert customer.micollab_provisioned(["standard-ipt"], "https://portal", NOW) is None


def test_the_timeline_has_every_create_step_in_order_whichever_report_is_read_first() -> None:
    in_order, reversed_ = requested(), requested()
    in_order.platform_assigned("pg-1", NOW)
    in_order.micollab_provisioned(["standard-ipt"], "https://portal", NOW)
    reversed_.micollab_provisioned(["standard-ipt"], "https://portal", NOW)
    assert reversed_.platform_assigned("pg-1", NOW) is None, "read late, it changes nothing"
    steps = ["customer record stored", PLATFORM_CONFIGURED, "MiCollab tenant and bundles created", "customer active"]
    assert [step.step for step in in_order.timeline.steps] == steps
    assert [step.step for step in reversed_.timeline.steps] == steps


def test_r20_a_platform_failure_fails_the_customer_with_its_reason() -> None:
    customer = requested()
    emitted = customer.platform_assignment_failed(
        ev.PlatformAssignmentFailed(customer_id="c-1", reason="R4: no hunt group"), NOW
    )
    assert [type(e) for e in emitted] == [ev.CustomerFailed, ev.TaskFailed]
    assert (customer.record.status, customer.record.reason) == (Status.FAILED, "R4: no hunt group")
    assert not customer.record.status.holds_webid


def test_r20_a_micollab_failure_waits_for_the_platform_undo() -> None:
    customer = requested()
    assert customer.micollab_failed(ev.MiCollabProvisioningFailed(customer_id="c-1", reason="down"), NOW) == []
    assert customer.record.status is Status.ROLLING_BACK
    assert customer.micollab_provisioned([], "https://portal", NOW) is None, "a late success never moves it back"
    emitted = customer.undo_reported("platform", [], "cleaned", NOW)
    assert [type(e) for e in emitted] == [ev.CustomerFailed, ev.TaskFailed]


def test_r21_a_failed_undo_leaves_rollback_failed_with_the_residue_and_advice() -> None:
    customer = requested()
    customer.micollab_failed(ev.MiCollabProvisioningFailed(customer_id="c-1", reason="down"), NOW)
    emitted = customer.undo_reported("platform", ["MiVB tenant c-1"], "MiVB unreachable", NOW)
    assert isinstance(emitted[0], ev.CustomerRollbackFailed)
    assert emitted[0].residue == ["MiVB tenant c-1"]
    assert customer.record.status is Status.ROLLBACK_FAILED
    assert customer.record.status.holds_webid
    assert "ping the platform" in customer.timeline.steps[-1].outcome


def test_r21_a_retried_rollback_waits_for_every_participant() -> None:
    customer = requested()
    customer.micollab_failed(
        ev.MiCollabProvisioningFailed(customer_id="c-1", reason="down", residue=["MiCollab tenant"]), NOW
    )
    customer.undo_reported("platform", ["MiVB tenant"], "MiVB unreachable", NOW)
    assert [type(e) for e in customer.retry_rollback("t-2", NOW)] == [ev.RollbackRetryRequested]
    assert customer.undo_reported("platform", [], "cleaned", NOW) == []
    emitted = customer.undo_reported("micollab", [], "cleaned", NOW)
    assert [type(e) for e in emitted] == [ev.CustomerFailed, ev.TaskCompleted]
    assert customer.record.status is Status.FAILED
    assert customer.undo.residue == {}
    assert [t.status for t in customer.tasks] == [TaskStatus.FAILED, TaskStatus.COMPLETED]


def test_retry_is_refused_unless_the_rollback_failed() -> None:
    with pytest.raises(Refused, match="only a ROLLBACK_FAILED customer"):
        requested().retry_rollback("t-2", NOW)


def active() -> Customer:
    customer = requested()
    customer.micollab_provisioned(["standard-ipt"], "https://portal", NOW)
    return customer


def test_r23_deletion_waits_for_every_platform_then_frees_the_webid() -> None:
    customer = active()
    assert [type(e) for e in customer.request_deletion("t-del", NOW)] == [ev.CustomerDeletionRequested]
    assert customer.record.status is Status.DELETING
    assert customer.record.status.holds_webid
    assert customer.undo_reported("micollab", [], "removed", NOW) == []
    emitted = customer.undo_reported("platform", [], "released", NOW)
    assert [type(e) for e in emitted] == [ev.CustomerDeleted, ev.TaskCompleted]
    assert customer.record.status is Status.DELETED
    assert not customer.record.status.holds_webid


def test_r23_a_platform_that_cannot_remove_it_leaves_a_retriable_deletion_failed() -> None:
    customer = active()
    customer.request_deletion("t-del", NOW)
    customer.undo_reported("micollab", [], "removed", NOW)
    emitted = customer.undo_reported("platform", ["MiVB tenant c-1"], "MiVB unreachable", NOW)
    assert [type(e) for e in emitted] == [ev.CustomerDeletionFailed, ev.TaskFailed]
    assert customer.record.status is Status.DELETION_FAILED
    assert [type(e) for e in customer.request_deletion("t-del-2", NOW)] == [ev.CustomerDeletionRequested]


def test_r23_a_customer_still_being_created_cannot_be_deleted_yet() -> None:
    with pytest.raises(Refused, match="PROVISIONING"):
        requested().request_deletion("t-del", NOW)


def test_r24_demo_mode_is_one_way_and_deletes_only_our_records_reporting_the_residue() -> None:
    customer = active()
    assert [type(e) for e in customer.convert_to_demo("t-demo", NOW)] == [ev.CustomerConvertedToDemo, ev.TaskCompleted]
    with pytest.raises(Refused, match="already in demo mode"):
        customer.convert_to_demo("t-demo-2", NOW)
    emitted = customer.request_deletion("t-del", NOW)
    assert [type(e) for e in emitted] == [ev.CustomerDeleted, ev.TaskCompleted]
    deleted = emitted[0]
    assert isinstance(deleted, ev.CustomerDeleted)
    assert [line.split()[0] for line in deleted.residue] == ["MiVB", "MBG", "MiCollab"]
    assert customer.record.status is Status.DELETED


def test_r24_only_an_active_customer_converts() -> None:
    with pytest.raises(Refused, match="only an ACTIVE customer"):
        requested().convert_to_demo("t-demo", NOW)


def test_r28_usage_per_bundle_is_allocated_and_used() -> None:
    customer = requested()
    emitted = customer.micollab_provisioned(["standard-ipt", "entry-ucc"], "https://portal", NOW)
    activated = emitted[0]
    assert isinstance(activated, ev.CustomerActivated)
    assert [(u.bundle_id, u.allocated, u.used) for u in activated.usage] == [
        ("standard-ipt", 20, 1),
        ("entry-ucc", 5, 0),
    ]


def test_r20_the_platform_undo_read_before_the_micollab_failure_still_ends_the_saga() -> None:
    customer = requested()
    assert customer.undo_reported("platform", [], "MiVoice Business and MBG cleaned", NOW) == []
    emitted = customer.micollab_failed(ev.MiCollabProvisioningFailed(customer_id="c-1", reason="MiCollab down"), NOW)
    assert [type(e) for e in emitted] == [ev.CustomerFailed, ev.TaskFailed]
    assert (customer.record.status, customer.record.reason) == (Status.FAILED, "MiCollab down")


def test_r22_a_revert_read_before_the_micollab_failure_ends_the_edit_with_its_reason() -> None:
    customer = active()
    customer.request_update("t-edit", CustomerChanges(hotdesk_devices=["6920"]), CATALOGUE, {"pg-ottawa-1"}, NOW)
    assert customer.update_reverted("t-edit", [], NOW) == []
    emitted = customer.update_step_failed("t-edit", "MiCollab refused", [], NOW, undone=False)
    assert [type(e) for e in emitted] == [ev.CustomerUpdateFailed, ev.TaskFailed]
    failed = emitted[0]
    assert isinstance(failed, ev.CustomerUpdateFailed)
    assert failed.reason == "MiCollab refused"
    assert customer.record.status is Status.ACTIVE
