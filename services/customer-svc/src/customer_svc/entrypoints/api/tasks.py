"""`/api/v1/tasks/{id}`: any task, and failing a stuck one (SP only), which undoes what it started as a passed
deadline does."""

from fastapi import APIRouter, Depends, Request, Response

from customer_svc.adapters.store import CustomerQueries
from customer_svc.domain.refusal import Refused
from customer_svc.domain.refused_request import RefusedRequest
from customer_svc.entrypoints.api.views import LOCATION, RefusedTaskView, TaskView, task_location
from customer_svc.handlers.deadlines import DeadlineHandlers
from mmp_servicekit.http_errors import ApiRefusal, error_responses, not_found
from mmp_servicekit.repository import Repository
from mmp_servicekit.tenancy import principal_of, sp_admin_only


def router(deadlines: DeadlineHandlers, queries: CustomerQueries, refused: Repository[RefusedRequest]) -> APIRouter:
    api = APIRouter(prefix="/api/v1/tasks", tags=["tasks"])

    @api.get("/{task_id}", responses=error_responses(404))
    async def get_task(task_id: str, request: Request) -> TaskView | RefusedTaskView:
        """A request on a customer, with the customer and its steps; or a request about a customer that does
        not exist, refused at once. A task a customer no longer keeps (only its last closed ones) is 404."""
        principal = principal_of(request)
        customer = await queries.by_task(task_id)
        task = customer.task(task_id) if customer is not None else None
        if customer is not None and task is not None and principal.sees(customer.customer_id):
            return TaskView.about(customer, task)
        refusal = await refused.get(task_id) if customer is None else None
        if refusal is not None and principal.sees(refusal.customer_id):
            return RefusedTaskView.about(refusal)
        raise not_found("task_id", "no such task")

    @api.post(
        "/{task_id}/fail",
        status_code=202,
        dependencies=[Depends(sp_admin_only)],
        responses={202: {"headers": LOCATION}, **error_responses(403, 404, 409)},
    )
    async def fail_task(task_id: str, response: Response) -> TaskView:
        """Gives up a stuck task and undoes what it started, as its deadline passing would: a create rolls back
        (FAILED or ROLLBACK_FAILED once the platforms have reported), an edit or a DID change is put back, a
        deletion ends DELETION_FAILED, a rollback ROLLBACK_FAILED (R20-R23). 202 and the task, which stays
        PENDING while the undo runs; 409 for a task already closed."""
        try:
            customer = await deadlines.fail_task(task_id)
        except Refused as refusal:
            raise ApiRefusal.of(409, "task_id", "state", refusal.reason, task_id=task_id) from None
        task = customer.task(task_id) if customer is not None else None
        if customer is None or task is None:
            raise not_found("task_id", "no such task")
        task_location(response, task_id)
        return TaskView.about(customer, task)

    return api
