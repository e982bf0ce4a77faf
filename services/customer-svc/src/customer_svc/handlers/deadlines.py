"""No customer waits forever: work past its deadline is given up and undone (the deadline job), and so is a
stuck task the SP fails by hand. Either way the undo is the one a participant's failure starts (R20-R23)."""

import math
from datetime import datetime

from customer_svc.adapters.store import CustomerQueries, DueCustomers, deadline_minute
from customer_svc.domain.customer import Customer
from customer_svc.domain.deadlines import Deadlines
from customer_svc.domain.refusal import Refused
from customer_svc.domain.refused_request import RefusedRequest
from customer_svc.domain.tasks import TaskStatus
from customer_svc.handlers.did_ranges import DidRangeHandlers
from customer_svc.handlers.requests import CustomerRequests, now
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository, Transition


class DeadlineHandlers:
    def __init__(
        self,
        requests: CustomerRequests,
        customers: Repository[Customer],
        queries: CustomerQueries,
        due: DueCustomers,
        refused: Repository[RefusedRequest],
        dids: DidRangeHandlers,
        deadlines: Deadlines,
    ) -> None:
        self.requests = requests
        self.customers = customers
        self.queries = queries
        self.due = due
        self.refused = refused
        self.dids = dids
        self.deadlines = deadlines

    async def pass_deadlines(self, at: datetime | None = None) -> None:
        """One round of the deadline job: the customers whose earliest deadline fell in a minute not looked at
        yet, or in this one, one indexed lookup a minute; from the last minute the previous round finished
        (again: a wait begun then may have been written just after), or, the very first time, as far back as
        the longest deadline."""
        at = at or now()
        current = deadline_minute(at)
        start = await self.due.scanned_through()
        if start is None:
            start = current - math.ceil(self.deadlines.longest / 60)
        for minute in range(start, current + 1):
            for customer in await self.due.due_in(minute):
                await self._pass(customer, at, minute)
        await self.due.scanned(current - 1)

    async def fail_task(self, task_id: str) -> Customer | None:
        """The SP fails a stuck task: its work is given up and undone as if its deadline had passed. None for
        no such task; Refused when it is closed already."""
        customer = await self.queries.by_task(task_id)
        if customer is None:
            refused = await self.refused.get(task_id)
            if refused is not None:
                raise Refused(f"task {task_id} is {refused.task.status} already")
            return None
        task = customer.task(task_id)
        if task is not None and task.status is not TaskStatus.PENDING:
            raise Refused(f"task {task_id} is {task.status} already")
        queued = customer.waiting.get(task_id)
        await self._give_up(customer, task_id, lambda c: c.fail_task(task_id, now()))
        if queued is not None:
            await self.requests.settle(customer.customer_id, queued)
        return await self.customers.get(customer.customer_id)

    async def _pass(self, customer: Customer, at: datetime, minute: int) -> None:
        overdue = customer.overdue(self.deadlines, at)
        for waiting in overdue:
            await self._pass_deadline(customer, waiting.task_id, at)
        due = customer.next_due(self.deadlines)
        if not overdue and (due is None or deadline_minute(due) != minute):
            # filed under a minute a deadline setting has since moved: filed again, under its own
            await self.requests.apply(customer.customer_id, Cause(correlation_id=customer.customer_id), lambda c: [])

    async def _pass_deadline(self, customer: Customer, task_id: str, at: datetime) -> None:
        await self._give_up(customer, task_id, lambda c: c.pass_deadline(task_id, self.deadlines, at))

    async def _give_up(self, customer: Customer, task_id: str, transition: Transition[Customer]) -> None:
        await self.requests.apply(customer.customer_id, Cause(correlation_id=task_id), transition)
        after = await self.customers.get(customer.customer_id)
        still_changing = after.dids.ranges() if after is not None else {}
        for changing_task, did_range in customer.dids.ranges().items():
            if changing_task not in still_changing:  # given up for good: numbers it does not hold go back
                await self.dids.free_unheld(customer.customer_id, did_range)
