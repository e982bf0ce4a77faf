"""What every request and event on a customer goes through: one guarded write through the repository, then
what that write may have set going: the numbers a customer that is gone gives back (R12, R23), and the
requests that waited for a task now finished (R25), run or refused through the one table of resumptions.
A request over Kafka about a customer that does not exist is answered too: its task fails at once."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from customer_svc.adapters.did_index import DidIndex
from customer_svc.domain.customer import Customer, Events
from customer_svc.domain.refused_request import RefusedRequest
from customer_svc.domain.tasks import Task, TaskStatus
from customer_svc.domain.waiting import QueuedRequest
from mmp_contracts.customer_spec import CustomerChanges, DidRange
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Outcome, Repository, Transition

Act = Callable[[Customer, str, datetime], Events]
"""A request's behaviour on the customer, given its task id and the time."""


@dataclass(frozen=True)
class Resumption:
    """What runs a request that waited (R25) once the task it waited for completed, and what settles it
    when that task failed and the request is refused instead."""

    run: Callable[[str, QueuedRequest, Cause], Awaitable[object]]
    settle: Callable[[str, QueuedRequest], Awaitable[None]] | None = None


def now() -> datetime:
    return datetime.now(UTC)


class CustomerRequests:
    def __init__(self, customers: Repository[Customer], refused: Repository[RefusedRequest], index: DidIndex) -> None:
        self.customers = customers
        self.refused = refused
        self.index = index
        self.resumptions: Mapping[TaskKind, Resumption] = {}

    def resume_with(self, resumptions: Mapping[TaskKind, Resumption]) -> None:
        """The flows write through this machinery and it runs their waiting requests, so the table that
        names them is handed over once they exist (by the composition root)."""
        self.resumptions = resumptions

    async def take(
        self,
        customer_id: str,
        cause: Cause,
        kind: TaskKind,
        act: Act,
        *,
        changes: CustomerChanges | None = None,
        did_range: DidRange | None = None,
    ) -> Task | None:
        """A request on an existing customer; the task it leaves says how it went (or why it was refused).
        None when there is no such customer."""
        customer = await self.customers.get(customer_id)
        if customer is None:
            return None
        task_id = customer.task_id_for(cause.correlation_id, cause.message_id, kind)

        def transition(current: Customer) -> Events | None:
            at = now()
            return current.take(
                task_id, kind, at, lambda: act(current, task_id, at), changes=changes, did_range=did_range
            )

        await self.apply(customer_id, cause, transition)
        after = await self.customers.get(customer_id)
        return None if after is None else after.task(task_id)

    async def refuse_unknown_customer(self, cause: Cause, kind: TaskKind, customer_id: str) -> None:
        """A command over Kafka for a customer id that names no customer: its task fails (TaskFailed, through
        the refused request's own outbox), so the BSS hears back."""
        request, failed = RefusedRequest.of_unknown_customer(
            await self._refused_task_id(cause), kind, customer_id, now()
        )
        await self.refused.create(request, cause, failed)

    async def refuse_unknown_webid(self, cause: Cause, kind: TaskKind, webid: str) -> None:
        request, failed = RefusedRequest.of_unknown_webid(await self._refused_task_id(cause), kind, webid, now())
        await self.refused.create(request, cause, failed)

    async def settle(self, customer_id: str, queued: QueuedRequest) -> None:
        """What a queued request refused without running leaves to clean (the numbers an addition claimed)."""
        resumption = self.resumptions[queued.kind]
        if resumption.settle is not None:
            await resumption.settle(customer_id, queued)

    async def apply(self, customer_id: str, cause: Cause, transition: Transition[Customer]) -> Outcome:
        outcome = await self.customers.change(customer_id, cause, transition)
        if outcome.found:
            # also after a message already applied: a crash may have come between its write and what follows
            await self._follow_up(customer_id)
        return outcome

    async def _follow_up(self, customer_id: str) -> None:
        customer = await self.customers.get(customer_id)
        if customer is None:
            return
        freed = customer.numbers_given_back()
        if freed:
            await self.index.release(customer.record.spec.platform.platform_group_id, customer_id, *freed)
        for queued, awaited in customer.ready_to_resume():
            await self._resume(customer_id, queued, awaited)

    async def _resume(self, customer_id: str, queued: QueuedRequest, awaited: Task) -> None:
        cause = Cause(correlation_id=queued.task_id, message_id=f"{queued.task_id}/after/{awaited.task_id}")
        if awaited.status is TaskStatus.COMPLETED:
            await self.resumptions[queued.kind].run(customer_id, queued, cause)
            return
        await self.apply(customer_id, cause, lambda customer: customer.give_up(queued, awaited, now()))
        await self.settle(customer_id, queued)

    async def _refused_task_id(self, cause: Cause) -> str:
        """Its correlation id, like any task's; the message id when a task of that id exists already (a reused
        correlation id), other than the one this very message made (a redelivery)."""
        task_id = cause.correlation_id
        taken = bool(await self.customers.find(task_ids=task_id))
        if not taken and await self.refused.get(task_id) is not None:
            taken = not await self.refused.applied(task_id, cause)
        return (cause.message_id or task_id) if taken else task_id
