"""A command over Kafka about a customer that does not exist is answered: its task fails (TaskFailed, through
an outbox), and the task can be read like any other."""

from typing import Any

import pytest

from mmp_contracts import Message, topics
from mmp_contracts import commands as cmd
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import CustomerChanges, DidRange
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.testing import envelope, wait_until

pytestmark = pytest.mark.component

NOBODY = "no-such-customer"
NUMBERS = DidRange(start="6135925000", end="6135925009")
COMMANDS: list[tuple[Message, TaskKind]] = [
    (cmd.DeleteCustomer(customer_id=NOBODY), TaskKind.DELETE),
    (cmd.UpdateCustomer(customer_id=NOBODY, changes=CustomerChanges(hotdesk_devices=[])), TaskKind.UPDATE),
    (cmd.AddDidRange(customer_id=NOBODY, did_range=NUMBERS), TaskKind.ADD_DID_RANGE),
    (cmd.RemoveDidRange(customer_id=NOBODY, did_range=NUMBERS), TaskKind.REMOVE_DID_RANGE),
    (cmd.RetryRollback(customer_id=NOBODY), TaskKind.RETRY_ROLLBACK),
    (
        cmd.ConfirmBillingChange(customer_id=NOBODY, task_id="t-edit", accept=True),
        TaskKind.CONFIRM_BILLING_CHANGE,
    ),
]


async def send(service: Any, command: Message, correlation_id: str) -> None:
    await service.runtime.broker.publish(
        envelope(command, correlation_id).to_json(), topics.CUSTOMER_COMMANDS, key=command.partition_key().encode()
    )


async def failed(service: Any, task_id: str) -> ev.TaskFailed:
    found = await wait_until(
        lambda: [e for e in service.events.of(ev.TaskFailed) if e.task_id == task_id], what=f"TaskFailed {task_id}"
    )
    return found[0]


@pytest.mark.parametrize(("command", "kind"), COMMANDS, ids=[type(c).__name__ for c, _ in COMMANDS])
async def test_a_command_for_an_unknown_customer_is_answered_with_task_failed(
    service: Any, command: Message, kind: TaskKind
) -> None:
    await send(service, command, "bss-order-1")

    answer = await failed(service, "bss-order-1")
    assert (answer.customer_id, answer.kind, answer.reason) == (NOBODY, kind, f"no customer {NOBODY}")
    task = (await service.http.get("/api/v1/tasks/bss-order-1")).json()
    assert (task["status"], task["refused"], task["customer_id"]) == ("FAILED", True, NOBODY)
    assert task["violations"] == [{"field": "customer_id", "rule": "not_found", "message": f"no customer {NOBODY}"}]


async def test_a_demo_conversion_for_a_webid_no_live_customer_holds_is_answered(service: Any) -> None:
    await send(service, cmd.ConvertCustomerToDemo(webid="nobody-dental"), "bss-order-2")

    answer = await failed(service, "bss-order-2")
    assert (answer.customer_id, answer.kind) == ("", TaskKind.CONVERT_TO_DEMO)
    task = (await service.http.get("/api/v1/tasks/bss-order-2")).json()
    assert (task["status"], task["webid"]) == ("FAILED", "nobody-dental")


async def test_a_redelivered_refusal_is_answered_once_and_a_reused_correlation_id_gets_a_task_of_its_own(
    service: Any,
) -> None:
    first = envelope(cmd.DeleteCustomer(customer_id=NOBODY), "bss-order-3")
    for _ in range(2):
        await service.runtime.broker.publish(first.to_json(), topics.CUSTOMER_COMMANDS, key=NOBODY.encode())
    await send(service, cmd.RetryRollback(customer_id=NOBODY), "bss-order-3")

    await wait_until(lambda: len(service.events.of(ev.TaskFailed)) >= 2, what="both answers")
    await service.runtime.relay.flush()
    deletion, retry = service.events.of(ev.TaskFailed)
    assert (deletion.task_id, deletion.kind) == ("bss-order-3", TaskKind.DELETE)
    assert retry.kind is TaskKind.RETRY_ROLLBACK
    assert retry.task_id != "bss-order-3", "the delete's task is not overwritten"
    assert (await service.http.get(f"/api/v1/tasks/{retry.task_id}")).json()["kind"] == "retry-rollback"
