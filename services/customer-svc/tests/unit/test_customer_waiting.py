"""R25 on the aggregate: a request waits for the unfinished task it depends on, then runs or is refused."""

from datetime import UTC, datetime

import pytest

from customer_svc.domain.customer import Customer, Events
from customer_svc.domain.refusal import Refused
from customer_svc.domain.tasks import TaskStatus
from mmp_contracts import events as ev
from mmp_contracts import examples
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.customer_spec import CustomerChanges, DidRange
from mmp_contracts.tasks import TaskKind

pytestmark = pytest.mark.unit

NOW = datetime(2026, 11, 26, tzinfo=UTC)
EDIT = CustomerChanges(hotdesk_devices=["6920"])


def requested() -> Customer:
    spec = CreateCustomer.model_validate(examples.create_customer()["data"]).spec()
    return Customer.request("c-1", "t-create", spec, {}, NOW)[0]


def never() -> Events:
    raise AssertionError("a request that waits does not run")


def test_r25_a_request_during_the_create_waits_for_it_once() -> None:
    customer = requested()
    assert customer.take("t-edit", TaskKind.UPDATE, NOW, never, changes=EDIT) == []
    task = customer.task("t-edit")
    assert task is not None
    assert (task.status, task.waiting_for) == (TaskStatus.PENDING, "t-create")
    assert customer.take("t-edit", TaskKind.UPDATE, NOW, never, changes=EDIT) is None, "already waiting"
    assert customer.ready_to_resume() == []

    customer.micollab_provisioned([], "https://portal", NOW)
    [(queued, awaited)] = customer.ready_to_resume()
    assert (queued.task_id, queued.changes, awaited.task_id) == ("t-edit", EDIT, "t-create")


def test_r25_a_request_whose_task_failed_is_refused_naming_it() -> None:
    customer = requested()
    customer.take("t-delete", TaskKind.DELETE, NOW, never)
    customer.platform_assignment_failed(ev.PlatformAssignmentFailed(customer_id="c-1", reason="MiVB down"), NOW)
    [(queued, awaited)] = customer.ready_to_resume()
    emitted = customer.give_up(queued, awaited, NOW)
    assert [type(e) for e in emitted or ()] == [ev.TaskFailed]
    task = customer.task("t-delete")
    assert task is not None
    assert task.refused
    assert task.reason == "it waited for task t-create (create), which failed: MiVB down"
    assert customer.ready_to_resume() == []


def test_r25_a_did_change_waits_only_for_a_change_of_the_same_numbers() -> None:
    customer = requested()
    customer.micollab_provisioned([], "https://portal", NOW)
    first = DidRange(start="6135925000", end="6135925009")
    customer.request_did_change("t-add", TaskKind.ADD_DID_RANGE, first, [], NOW)
    other = DidRange(start="6135926000", end="6135926009")
    ran: list[str] = []

    def run() -> Events:
        ran.append("t-other")
        return []

    assert customer.take("t-other", TaskKind.ADD_DID_RANGE, NOW, run, did_range=other) == []
    assert ran == ["t-other"]
    overlapping = DidRange(start="6135925005", end="6135925020")
    assert customer.take("t-same", TaskKind.ADD_DID_RANGE, NOW, never, did_range=overlapping) == []
    assert customer.waiting.get("t-same") is not None


def test_a_refused_request_fails_its_task_with_the_rules_it_breaks() -> None:
    customer = requested()
    customer.micollab_provisioned([], "https://portal", NOW)
    held = DidRange(start="6135924000", end="6135924019")

    def add_held() -> Events:
        customer.request_did_change("t-add", TaskKind.ADD_DID_RANGE, held, [], NOW)
        return []

    emitted = customer.take("t-add", TaskKind.ADD_DID_RANGE, NOW, add_held, did_range=held)
    assert [type(e) for e in emitted or ()] == [ev.TaskFailed]
    task = customer.task("t-add")
    assert task is not None
    assert task.refused
    assert [(v.field, v.rule) for v in task.violations] == [("did_range", "R12")]
    with pytest.raises(Refused, match="overlaps a range the customer holds"):
        customer.request_did_change("t-again", TaskKind.ADD_DID_RANGE, held, [], NOW)


def test_r25_a_resumption_read_before_the_request_ran_never_makes_it_wait_for_itself() -> None:
    customer = requested()
    numbers = DidRange(start="6135925000", end="6135925009")

    def add() -> Events:
        return customer.request_did_change("t-add", TaskKind.ADD_DID_RANGE, numbers, [], NOW)

    customer.take("t-add", TaskKind.ADD_DID_RANGE, NOW, never, did_range=numbers)
    customer.micollab_provisioned([], "https://portal", NOW)
    assert [type(e) for e in customer.take("t-add", TaskKind.ADD_DID_RANGE, NOW, add, did_range=numbers) or ()] == [
        ev.DidRangeAdditionRequested
    ]

    assert customer.take("t-add", TaskKind.ADD_DID_RANGE, NOW, never, did_range=numbers) is None
    assert [t.task_id for t in customer.tasks.pending()] == ["t-add"], "under way, waiting for nothing"
