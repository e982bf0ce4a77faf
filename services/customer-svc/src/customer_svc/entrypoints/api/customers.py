"""`/api/v1/customers` (create, list, read) and `/api/v1/tasks/{id}`."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from customer_svc.adapters.store import CustomerQueries
from customer_svc.domain.customer import Customer
from customer_svc.domain.record import Status
from customer_svc.entrypoints.api.views import customer_view, existing, not_found, task_summary, task_view
from customer_svc.handlers.create import CreateHandlers
from mmp_contracts import CloudEvent
from mmp_contracts.commands import CreateCustomer
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from mmp_servicekit.tenancy import SP_ADMIN, principal_of, sp_admin_only


def router(create: CreateHandlers, customers: Repository[Customer], queries: CustomerQueries) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    @api.post("/customers", status_code=202, dependencies=[Depends(sp_admin_only)])
    async def create_customer(body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        """Takes the `CreateCustomer` data, or the whole CloudEvents command a BSS would publish.
        202 and the task; 422 naming field and rule; 409 when the WebID or the DIDs are another's."""
        command, cause = parse_create(body)
        customer = await create.create(command, cause)
        task = customer.tasks.first(TaskKind.CREATE)
        if customer.record.status is Status.REJECTED:
            violations = customer.record.violations
            return JSONResponse(
                status_code=409 if any(v.conflict for v in violations) else 422,
                content={"detail": [v.model_dump() for v in violations], "task_id": task.task_id},
            )
        return JSONResponse(status_code=202, content=task_view(customer, task))

    @api.get("/customers")
    async def list_customers(
        request: Request,
        webid: str | None = None,
        status: Status | None = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        principal = principal_of(request)
        own = None if principal.role == SP_ADMIN else principal.customer_id
        found = await queries.listing(webid=webid, status=status, customer_id=own, offset=offset, limit=limit)
        return {"items": [customer_view(c) for c in found], "offset": offset, "limit": limit}

    @api.get("/customers/{customer_id}")
    async def get_customer(customer_id: str) -> dict[str, Any]:
        return customer_view(await existing(customers.get(customer_id)))

    @api.get("/customers/{customer_id}/tasks")
    async def tasks_of(customer_id: str) -> dict[str, Any]:
        customer = await existing(customers.get(customer_id))
        return {"items": [task_summary(task) for task in customer.tasks]}

    @api.get("/tasks/{task_id}")
    async def get_task(task_id: str, request: Request) -> dict[str, Any]:
        customer = await existing(queries.by_task(task_id))
        task = customer.task(task_id)
        if task is None or not principal_of(request).sees(customer.customer_id):
            raise not_found()
        return task_view(customer, task)

    return api


def parse_create(body: dict[str, Any]) -> tuple[CreateCustomer, Cause]:
    try:
        if "specversion" in body:
            envelope = CloudEvent.model_validate(body)
            if not isinstance(envelope.data, CreateCustomer):
                raise HTTPException(422, [{"field": "type", "rule": "schema", "message": "expected CreateCustomer"}])
            return envelope.data, Cause.of(envelope)
        message_id = str(uuid.uuid4())
        return CreateCustomer.model_validate(body), Cause(correlation_id=message_id, message_id=message_id)
    except ValidationError as error:
        raise HTTPException(
            422,
            [
                {
                    "field": ".".join(str(p) for p in e["loc"]) or "body",
                    "rule": f"schema:{e['type']}",
                    "message": e["msg"],
                }
                for e in error.errors()
            ],
        ) from None
