"""customer-svc's HTTP routes: thin; each parses, calls a handler or the store, and shapes the answer."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from customer_svc.domain.catalogue import Bundle, check_bundle
from customer_svc.domain.customer import Customer, Status
from customer_svc.handlers import CustomerHandlers
from customer_svc.store import CustomerStore
from customer_svc.views import BundleBody, customer_view, task_view
from mmp_contracts import CloudEvent
from mmp_contracts.commands import CreateCustomer
from mmp_servicekit.outbox import Cause
from mmp_servicekit.tenancy import SP_ADMIN, principal_of, sp_admin_only

SP_ONLY = [Depends(sp_admin_only)]


def router(handlers: CustomerHandlers, store: CustomerStore) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    @api.post("/customers", status_code=202, dependencies=SP_ONLY)
    async def create_customer(body: Annotated[dict[str, Any], Body()]) -> JSONResponse:
        """Takes the `CreateCustomer` data, or the whole CloudEvents command a BSS would publish."""
        command, cause = parse_create(body)
        intake = await handlers.intake(command, cause)
        customer = intake.customer
        if customer.status is Status.REJECTED:
            status = 409 if any(v.conflict for v in customer.violations) else 422
            return JSONResponse(
                status_code=status,
                content={
                    "detail": [v.model_dump() for v in customer.violations],
                    "task_id": customer.create_task.task_id,
                },
            )
        return JSONResponse(status_code=202, content=task_view(customer, customer.create_task))

    @api.get("/customers")
    async def list_customers(
        request: Request,
        webid: str | None = None,
        status: Status | None = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> dict[str, Any]:
        query: dict[str, Any] = {}
        if webid:
            query["webid"] = webid
        if status:
            query["status"] = status.value
        principal = principal_of(request)
        if principal.role != SP_ADMIN:
            query["_id"] = principal.customer_id
        customers = await store.find(query, offset, limit)
        return {"items": [customer_view(c) for c in customers], "offset": offset, "limit": limit}

    @api.get("/customers/{customer_id}")
    async def get_customer(customer_id: str) -> dict[str, Any]:
        return customer_view(await found(store.get(customer_id)))

    @api.get("/tasks/{task_id}")
    async def get_task(task_id: str, request: Request) -> dict[str, Any]:
        customer = await found(store.by_task(task_id))
        if not principal_of(request).sees(customer.customer_id):
            raise HTTPException(404, "not found")
        return task_view(customer, next(t for t in customer.tasks if t.task_id == task_id))

    @api.get("/catalogue/platform-groups", dependencies=SP_ONLY)
    async def platform_groups() -> list[dict[str, str]]:
        """The platform groups customers can be created on, as customer-svc has heard of them (R1)."""
        return [{"platform_group_id": k, "name": v} for k, v in (await store.platform_groups_known()).items()]

    @api.get("/bundles")
    async def list_bundles() -> list[dict[str, Any]]:
        return [BundleBody.of(b).model_dump() | {"bundle_id": b.bundle_id} for b in (await store.catalogue()).values()]

    @api.put("/bundles/{bundle_id}", dependencies=SP_ONLY)
    async def put_bundle(bundle_id: str, body: BundleBody) -> dict[str, Any]:
        bundle = Bundle(
            bundle_id=bundle_id, **body.model_dump(exclude={"phone_types"}), phone_types=tuple(body.phone_types)
        )
        violations = check_bundle(bundle)
        if violations:
            raise HTTPException(422, [v.model_dump() for v in violations])
        await store.put_bundle(bundle)
        return body.model_dump() | {"bundle_id": bundle_id}

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


async def found(lookup: Any) -> Customer:
    customer: Customer | None = await lookup
    if customer is None:
        raise HTTPException(404, "not found")
    return customer
