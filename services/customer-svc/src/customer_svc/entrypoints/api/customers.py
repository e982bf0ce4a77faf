"""`/api/v1/customers`: create, list, read, and a customer's tasks."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query, Request, Response

from customer_svc.adapters.store import CustomerQueries
from customer_svc.domain.customer import Customer
from customer_svc.domain.record import Status
from customer_svc.entrypoints.api.bodies import CreateCustomerBody, NewCustomer, NewCustomerEvent
from customer_svc.entrypoints.api.views import (
    LOCATION,
    CustomerList,
    CustomerView,
    TaskList,
    TaskSummary,
    TaskView,
    existing,
    task_location,
)
from customer_svc.handlers.create import CreateHandlers
from mmp_contracts import CloudEvent, examples
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.http_errors import ApiRefusal, error_responses
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from mmp_servicekit.tenancy import SP_ADMIN, principal_of, sp_admin_only

CREATE_EXAMPLES = {
    "data": {
        "summary": "The CreateCustomer data alone",
        "value": examples.create_customer()["data"],
    },
    "event": {
        "summary": "The whole CloudEvent a BSS publishes on customer.commands",
        "value": examples.create_customer(),
    },
}


def router(create: CreateHandlers, customers: Repository[Customer], queries: CustomerQueries) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["customers"])

    @api.post(
        "/customers",
        status_code=202,
        dependencies=[Depends(sp_admin_only)],
        responses={202: {"headers": LOCATION}, **error_responses(403, 409, 422)},
    )
    async def create_customer(
        body: Annotated[CreateCustomerBody, Body(openapi_examples=CREATE_EXAMPLES)], response: Response
    ) -> TaskView:
        """Takes the `CreateCustomer` data, or the whole CloudEvents command a BSS would publish.
        202 and the task; 422 naming field and rule; 409 when the WebID or the DIDs are another's."""
        command, cause = parse_create(body)
        customer = await create.create(command, cause)
        task = customer.tasks.first(TaskKind.CREATE)
        if customer.record.status is Status.REJECTED:
            violations = customer.record.violations
            raise ApiRefusal(409 if any(v.conflict for v in violations) else 422, violations, task_id=task.task_id)
        task_location(response, task.task_id)
        return TaskView.about(customer, task)

    @api.get("/customers")
    async def list_customers(
        request: Request,
        webid: Annotated[str | None, Query(max_length=64)] = None,
        status: Status | None = None,
        offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> CustomerList:
        """Newest first; a customer-admin token sees only its own customer."""
        principal = principal_of(request)
        own = None if principal.role == SP_ADMIN else principal.customer_id
        found = await queries.listing(webid=webid, status=status, customer_id=own, offset=offset, limit=limit)
        return CustomerList(items=[CustomerView.of(c) for c in found], offset=offset, limit=limit)

    @api.get("/customers/{customer_id}", responses=error_responses(404))
    async def get_customer(customer_id: str) -> CustomerView:
        return CustomerView.of(await existing(customers.get(customer_id)))

    @api.get("/customers/{customer_id}/tasks", responses=error_responses(404))
    async def tasks_of(customer_id: str) -> TaskList:
        customer = await existing(customers.get(customer_id))
        return TaskList(items=[TaskSummary.of(task) for task in customer.tasks])

    return api


def parse_create(body: NewCustomer | NewCustomerEvent) -> tuple[CreateCustomer, Cause]:
    if isinstance(body, NewCustomerEvent):
        return body.data.command(), Cause.of(CloudEvent.model_validate(body.envelope()))
    message_id = str(uuid.uuid4())
    return body.command(), Cause(correlation_id=message_id, message_id=message_id)
