"""`/api/v1/customers/{id}/did-ranges`: list, add, remove (R12)."""

from fastapi import APIRouter, Response

from customer_svc.domain.customer import Customer
from customer_svc.entrypoints.api import new_cause
from customer_svc.entrypoints.api.bodies import DID_RANGES, DidRangeBody
from customer_svc.entrypoints.api.views import DidRangeList, TaskSummary, existing, task_answer, task_responses
from customer_svc.handlers.did_ranges import DidRangeHandlers
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.http_errors import ApiRefusal, error_responses
from mmp_servicekit.repository import Repository


def router(dids: DidRangeHandlers, customers: Repository[Customer]) -> APIRouter:
    api = APIRouter(prefix="/api/v1/customers/{customer_id}/did-ranges", tags=["DID ranges"])

    @api.get("", responses=error_responses(404))
    async def list_ranges(customer_id: str) -> DidRangeList:
        customer = await existing(customers.get(customer_id))
        return DidRangeList(items=list(customer.record.spec.did_ranges))

    @api.post("", status_code=202, responses=task_responses(404, 409, 422))
    async def add(customer_id: str, did_range: DidRangeBody, response: Response) -> TaskSummary:
        """202 and the task; 409 when another customer of the group holds a number of it; 422 for its shape."""
        customer = await existing(customers.get(customer_id))
        if len(customer.record.spec.did_ranges) >= DID_RANGES:
            message = f"a customer holds at most {DID_RANGES} DID ranges"
            raise ApiRefusal.of(422, "did_ranges", "schema:too_long", message)
        task = await dids.change(customer_id, did_range.contract(), TaskKind.ADD_DID_RANGE, new_cause())
        return task_answer(task, response)

    @api.post("/remove", status_code=202, responses=task_responses(404, 409, 422))
    async def remove(customer_id: str, did_range: DidRangeBody, response: Response) -> TaskSummary:
        """Removes the numbers from start to end; removing part of a range splits it (R12)."""
        task = await dids.change(customer_id, did_range.contract(), TaskKind.REMOVE_DID_RANGE, new_cause())
        return task_answer(task, response)

    return api
