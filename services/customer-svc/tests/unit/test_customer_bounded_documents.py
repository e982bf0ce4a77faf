"""A customer's document stays bounded however many requests it went through: it keeps its open tasks, its
create, the tasks requests wait on and the last closed ones, and the last steps of its timeline."""

from datetime import UTC, datetime, timedelta

import pytest

from customer_svc.adapters.store import CustomerMapper, Retention
from customer_svc.domain.customer import Customer
from customer_svc.domain.tasks import TaskStatus
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import DidRange
from mmp_contracts.tasks import TaskKind

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, tzinfo=UTC)
MAPPER = CustomerMapper(retention=Retention(closed_tasks=50, steps=200))


def through_many_requests(requests: int) -> Customer:
    spec = CreateCustomer.model_validate(examples.create_customer()["data"]).spec()
    customer, _ = Customer.request("c-1", "t-create", spec, {}, NOW)
    customer.micollab_provisioned([], "https://portal", NOW)
    numbers = DidRange(start="6135925000", end="6135925009")
    for n in range(requests):
        at = NOW + timedelta(seconds=n)
        customer.request_did_change(f"t-add-{n}", TaskKind.ADD_DID_RANGE, numbers, [], at)
        customer.did_change_done(f"t-add-{n}", at, failure="MiVB 409")
    return customer


def test_a_customer_through_many_requests_keeps_its_create_and_its_last_closed_tasks() -> None:
    customer = through_many_requests(300)
    customer.request_did_change(
        "t-open", TaskKind.ADD_DID_RANGE, DidRange(start="6135926000", end="6135926009"), [], NOW
    )

    stored = MAPPER.from_document(MAPPER.to_document(customer))

    kept = [task.task_id for task in stored.tasks]
    assert kept == ["t-create", *(f"t-add-{n}" for n in range(250, 300)), "t-open"]
    still_open = stored.task("t-open")
    assert still_open is not None
    assert still_open.status is TaskStatus.PENDING
    assert MAPPER.to_document(customer)["task_ids"] == kept, "a task dropped is no longer found by its id"
    assert len(stored.timeline.steps) == 200
    assert stored.timeline.steps[-1] == customer.timeline.steps[-1]


def refused_confirmation(customer: Customer, task_id: str) -> None:
    """A request refused at once (no edit waits for a confirmation): one more closed task."""
    customer.take(
        task_id,
        TaskKind.CONFIRM_BILLING_CHANGE,
        NOW,
        lambda: customer.confirm_billing_change(task_id, "t-no-edit", True, NOW),
    )


def test_a_closed_task_a_queued_request_waits_on_is_kept() -> None:
    customer = through_many_requests(0)
    customer.request_deletion("t-del", NOW)
    customer.take("t-later", TaskKind.DELETE, NOW, lambda: [])
    customer.undo_reported("platform", ["MiVB tenant"], "MiVB unreachable", NOW)
    customer.undo_reported("micollab", [], "removed", NOW)
    for n in range(60):
        refused_confirmation(customer, f"t-confirm-{n}")

    stored = MAPPER.from_document(MAPPER.to_document(customer))

    assert stored.task("t-del") is not None, "t-later waits on it (R25) until it is resumed"
    assert stored.task("t-confirm-0") is None
    assert [q.waiting_for for q in stored.waiting.queued] == ["t-del"]
