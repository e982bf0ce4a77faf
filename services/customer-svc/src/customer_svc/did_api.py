"""`/api/v1/customers/{id}/did-ranges`: list, add, remove (R12)."""

import uuid
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from customer_svc.did_handlers import ADD, REMOVE, DidRangeHandlers
from customer_svc.store import CustomerStore
from customer_svc.views import task_summary
from mmp_contracts.customer_spec import DidRange
from mmp_servicekit.outbox import Cause


def router(dids: DidRangeHandlers, store: CustomerStore) -> APIRouter:
    api = APIRouter(prefix="/api/v1/customers/{customer_id}/did-ranges")

    async def change(customer_id: str, did_range: DidRange, kind: str) -> JSONResponse:
        task_id = str(uuid.uuid4())
        task = await dids.change(customer_id, did_range, kind, Cause(correlation_id=task_id, message_id=task_id))
        if task is None:
            raise HTTPException(404, "not found")
        if task.refused:
            if task.violations:
                raise HTTPException(
                    409 if any(v.conflict for v in task.violations) else 422, [v.model_dump() for v in task.violations]
                )
            raise HTTPException(409, task.reason)
        return JSONResponse(status_code=202, content=task_summary(task))

    @api.get("")
    async def list_ranges(customer_id: str) -> dict[str, Any]:
        customer = await store.get(customer_id)
        if customer is None:
            raise HTTPException(404, "not found")
        return {"items": [r.model_dump() for r in customer.spec.did_ranges]}

    @api.post("", status_code=202)
    async def add(customer_id: str, did_range: DidRange) -> JSONResponse:
        """202 and the task; 409 when another customer of the group holds a number of it; 422 for its shape."""
        return await change(customer_id, did_range, ADD)

    @api.post("/remove", status_code=202)
    async def remove(customer_id: str, did_range: DidRange) -> JSONResponse:
        """Removes the numbers from start to end; removing part of a range splits it (R12)."""
        return await change(customer_id, did_range, REMOVE)

    return api
