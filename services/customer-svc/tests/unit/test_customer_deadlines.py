"""Deadlines on the aggregate, without I/O: each wait past its deadline (or failed by the SP) is given up and
undone as a participant's failure would, and a late report never moves the saga back."""

from datetime import UTC, datetime, timedelta

import pytest

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer
from customer_svc.domain.deadlines import Deadlines, Wait
from customer_svc.domain.record import Status
from customer_svc.domain.tasks import TaskStatus
from mmp_contracts import events as ev
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import CustomerChanges, DidRange
from mmp_contracts.tasks import TaskKind

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, tzinfo=UTC)
DEADLINES = Deadlines()
LATER = NOW + timedelta(seconds=601)
CATALOGUE = {
    "standard-ipt": Bundle("standard-ipt", "Standard IPT", "Standard IPT", ("6920", "6930"), 1),
    "entry-ucc": Bundle("entry-ucc", "Entry UCC", "Entry UCC", ("6930",), 1),
}
NUMBERS = DidRange(start="6135925000", end="6135925009")


def requested(confirm_billing_changes: bool = False) -> Customer:
    data = examples.create_customer()["data"]
    data["platform"]["confirm_billing_changes"] = confirm_billing_changes
    spec = CreateCustomer.model_validate(data).spec()
    return Customer.request("c-1", "t-create", spec, CATALOGUE, NOW)[0]


def active(confirm_billing_changes: bool = False) -> Customer:
    customer = requested(confirm_billing_changes)
    customer.micollab_provisioned([], "https://portal", NOW)
    return customer


def kinds(emitted: object) -> list[type]:
    assert isinstance(emitted, list)
    return [type(e) for e in emitted]


def test_every_pending_state_has_a_deadline_and_none_passes_early() -> None:
    customer = requested()
    assert [(w.wait, w.task_id) for w in customer.waits()] == [(Wait.CREATE, "t-create")]
    assert customer.next_due(DEADLINES) == NOW + timedelta(seconds=600)
    assert customer.pass_deadline("t-create", DEADLINES, NOW + timedelta(seconds=599)) is None
    assert active().waits() == []


def test_r20_a_create_past_its_deadline_rolls_back_and_fails_with_why() -> None:
    customer = requested()
    emitted = customer.pass_deadline("t-create", DEADLINES, LATER)
    assert kinds(emitted) == [ev.RollbackRetryRequested]
    assert customer.record.status is Status.ROLLING_BACK
    assert customer.micollab_provisioned([], "https://portal", LATER) is None, "a late success changes nothing"

    customer.undo_reported("platform", [], "cleaned", LATER)
    emitted = customer.undo_reported("micollab", [], "cleaned", LATER)
    assert kinds(emitted) == [ev.CustomerFailed, ev.TaskFailed]
    task = customer.task("t-create")
    assert task is not None
    assert task.reason == (
        "deadline of 600 s passed while waiting for platform-svc and micollab-svc to create the customer"
    )


def test_r21_a_rollback_past_its_deadline_is_rollback_failed_naming_who_never_answered() -> None:
    customer = requested()
    customer.pass_deadline("t-create", DEADLINES, LATER)
    customer.undo_reported("platform", [], "cleaned", LATER)
    emitted = customer.pass_deadline("t-create", DEADLINES, LATER + timedelta(seconds=601))
    assert kinds(emitted) == [ev.CustomerRollbackFailed, ev.TaskFailed]
    assert customer.record.status is Status.ROLLBACK_FAILED
    assert customer.undo.left() == [
        "the MiCollab tenant: may still be there (deadline of 600 s passed before micollab-svc answered)"
    ]
    assert customer.undo_reported("micollab", [], "cleaned", LATER) is None, "a late report changes nothing"
    assert customer.waits() == []


def test_r22_an_edit_past_its_deadline_is_put_back_then_fails_leaving_the_customer_as_it_was() -> None:
    customer = active()
    before = customer.record.spec
    customer.request_update("t-edit", CustomerChanges(hotdesk_devices=["6920"]), CATALOGUE, {"pg-ottawa-1"}, NOW)
    [put_back] = customer.pass_deadline("t-edit", DEADLINES, LATER) or []
    assert isinstance(put_back, ev.CustomerUpdateRequested)
    assert (put_back.task_id, put_back.after) == ("t-edit/put-back", before)
    assert customer.update_applied("t-edit", LATER) is None, "the edit's own late report changes nothing"

    emitted = customer.update_applied("t-edit/put-back", LATER)
    assert kinds(emitted) == [ev.CustomerUpdateFailed, ev.TaskFailed]
    assert (customer.record.status, customer.record.spec) == (Status.ACTIVE, before)


def test_r22_an_edit_whose_put_back_never_answers_fails_with_advice() -> None:
    customer = active()
    customer.request_update("t-edit", CustomerChanges(hotdesk_devices=["6920"]), CATALOGUE, {"pg-ottawa-1"}, NOW)
    customer.pass_deadline("t-edit", DEADLINES, LATER)
    emitted = customer.pass_deadline("t-edit", DEADLINES, LATER + timedelta(seconds=601))
    assert kinds(emitted) == [ev.CustomerUpdateFailed, ev.TaskFailed]
    task = customer.task("t-edit")
    assert task is not None
    assert task.reason is not None
    assert "put the customer back as it was" in task.reason
    assert "ping the platform" in task.reason


def test_r27_a_confirmation_never_given_ends_the_edit_after_its_long_deadline() -> None:
    customer = active(confirm_billing_changes=True)
    changes = CustomerChanges.model_validate({"service_bundles": [{"bundle_id": "standard-ipt", "quantity": 21}]})
    customer.request_update("t-edit", changes, CATALOGUE, {"pg-ottawa-1"}, NOW)
    assert customer.record.status is Status.AWAITING_CONFIRMATION
    assert customer.pass_deadline("t-edit", DEADLINES, LATER) is None, "a customer is given a week"
    emitted = customer.pass_deadline("t-edit", DEADLINES, NOW + timedelta(days=7, seconds=1))
    assert kinds(emitted) == [ev.CustomerUpdateFailed, ev.TaskFailed]
    assert customer.record.status is Status.ACTIVE


def test_r23_a_deletion_past_its_deadline_is_deletion_failed_and_can_be_asked_again() -> None:
    customer = active()
    customer.request_deletion("t-del", NOW)
    customer.undo_reported("micollab", [], "removed", NOW)
    emitted = customer.pass_deadline("t-del", DEADLINES, LATER)
    assert kinds(emitted) == [ev.CustomerDeletionFailed, ev.TaskFailed]
    assert customer.record.status is Status.DELETION_FAILED
    assert customer.undo_reported("platform", [], "released", LATER) is None
    assert kinds(customer.request_deletion("t-del-2", LATER)) == [ev.CustomerDeletionRequested]


def test_r12_a_did_addition_past_its_deadline_is_taken_back_then_fails() -> None:
    customer = active()
    customer.request_did_change("t-add", TaskKind.ADD_DID_RANGE, NUMBERS, [], NOW)
    [take_back] = customer.pass_deadline("t-add", DEADLINES, LATER) or []
    assert isinstance(take_back, ev.DidRangeRemovalRequested)
    assert (take_back.task_id, take_back.did_range) == ("t-add/undo", NUMBERS)
    assert customer.claims("pg-ottawa-1", NUMBERS), "the numbers stay the customer's until the MiVB gave them back"
    assert customer.did_change_done("t-add", LATER) is None, "the addition's own late report changes nothing"

    emitted = customer.did_change_done("t-add/undo", LATER)
    assert kinds(emitted) == [ev.TaskFailed]
    assert NUMBERS not in customer.record.spec.did_ranges
    assert not customer.claims("pg-ottawa-1", NUMBERS)


def test_the_sp_fails_a_stuck_task_as_if_its_deadline_passed() -> None:
    customer = requested()
    emitted = customer.fail_task("t-create", NOW)
    assert kinds(emitted) == [ev.RollbackRetryRequested]
    assert customer.record.reason == (
        "failed by the service provider while waiting for platform-svc and micollab-svc to create the customer"
    )
    customer.fail_task("t-create", NOW)
    assert customer.record.status is Status.ROLLBACK_FAILED
    assert customer.fail_task("t-create", NOW) is None, "a closed task is not failed again"


def test_r25_the_sp_fails_a_request_waiting_for_another_task_by_refusing_it() -> None:
    customer = requested()
    customer.take("t-del", TaskKind.DELETE, NOW, lambda: [])
    assert kinds(customer.fail_task("t-del", NOW)) == [ev.TaskFailed]
    task = customer.task("t-del")
    assert task is not None
    assert (task.status, task.reason) == (
        TaskStatus.FAILED,
        "failed by the service provider while waiting for task t-create",
    )
    assert customer.ready_to_resume() == []
