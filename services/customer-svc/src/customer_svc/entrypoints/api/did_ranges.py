"""`/api/v1/customers/{id}/did-ranges`: list, add, remove (R12)."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from customer_svc.domain.customer import Customer
from customer_svc.entrypoints.api import new_cause
from customer_svc.entrypoints.api.views import existing, task_answer
from customer_svc.handlers.did_ranges import DidRangeHandlers
from mmp_contracts.customer_spec import DidRange
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.repository import Repository


def router(dids: DidRangeHandlers, customers: Repository[Customer]) -> APIRouter:
    api = APIRouter(prefix="/api/v1/customers/{customer_id}/did-ranges")

    @api.get("")
    async def list_ranges(customer_id: str) -> dict[str, Any]:
        customer = await existing(customers.get(customer_id))
        return {"items": [r.model_dump() for r in customer.record.spec.did_ranges]}

    @api.post("", status_code=202)
    async def add(customer_id: str, did_range: DidRange) -> JSONResponse:
        """202 and the task; 409 when another customer of the group holds a number of it; 422 for its shape."""
        return task_answer(await dids.change(customer_id, did_range, TaskKind.ADD_DID_RANGE, new_cause()))

    @api.post("/remove", status_code=202)
    async def remove(customer_id: str, did_range: DidRange) -> JSONResponse:
        """Removes the numbers from start to end; removing part of a range splits it (R12)."""
        return task_answer(await dids.change(customer_id, did_range, TaskKind.REMOVE_DID_RANGE, new_cause()))

    return api
