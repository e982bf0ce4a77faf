"""Retrying a failed rollback (R21), deleting (R23), demo mode (R24): SP admins only."""

import re

from fastapi import APIRouter, Depends, Response

from customer_svc.adapters.store import CustomerQueries
from customer_svc.domain.customer import Customer
from customer_svc.entrypoints.api import new_cause
from customer_svc.entrypoints.api.bodies import MaintenanceCommand
from customer_svc.entrypoints.api.views import DeletedDemoCustomer, TaskSummary, task_answer, task_responses
from customer_svc.handlers.lifecycle import LifecycleHandlers
from mmp_servicekit.http_errors import ApiRefusal, error_responses, not_found
from mmp_servicekit.repository import Repository
from mmp_servicekit.tenancy import sp_admin_only

MAINTENANCE = re.compile(r"^\s*convertCustomerToDemoMode\s+(?P<webid>\S+)\s*$")


def router(lifecycle: LifecycleHandlers, customers: Repository[Customer], queries: CustomerQueries) -> APIRouter:
    api = APIRouter(
        prefix="/api/v1", dependencies=[Depends(sp_admin_only)], responses=error_responses(403), tags=["customers"]
    )

    @api.post("/customers/{customer_id}/rollback", status_code=202, responses=task_responses(404, 409))
    async def retry_rollback(customer_id: str, response: Response) -> TaskSummary:
        """R21: undo again what a failed create left on the platforms."""
        return task_answer(await lifecycle.retry(customer_id, new_cause()), response)

    @api.delete(
        "/customers/{customer_id}",
        status_code=202,
        responses=task_responses(404, 409, done=DeletedDemoCustomer),
        response_model=TaskSummary | DeletedDemoCustomer,
    )
    async def delete_customer(customer_id: str, response: Response) -> TaskSummary | DeletedDemoCustomer:
        """202 with the task while the platforms remove it; 200 at once for a demo customer (R24),
        whose residues on the platforms are listed (`residue`) for manual cleanup."""
        task = await lifecycle.delete(customer_id, new_cause())
        answer = task_answer(task, response)
        customer = await customers.get(customer_id)
        if response.status_code == 200 and customer is not None:
            return DeletedDemoCustomer(**answer.model_dump(), residue=customer.undo.left())
        return answer

    @api.post("/customers/{customer_id}/demo-mode", responses=task_responses(404, 409))
    async def convert_to_demo(customer_id: str, response: Response) -> TaskSummary:
        """R24: for good; the customer can then only be deleted."""
        return task_answer(await lifecycle.convert_to_demo(customer_id, new_cause()), response)

    @api.post("/maintenance/commands", responses=task_responses(404, 409, 422))
    async def maintenance(body: MaintenanceCommand, response: Response) -> TaskSummary:
        """`convertCustomerToDemoMode <webid>` (R24), as the SP's maintenance console sends it."""
        match = MAINTENANCE.match(body.command)
        if match is None:
            message = "the only command is `convertCustomerToDemoMode <webid>`"
            raise ApiRefusal.of(422, "command", "R24", message)
        customer = await queries.live_with_webid(match["webid"])
        if customer is None:
            raise not_found("command", f"no live customer has WebID {match['webid']!r}")
        return task_answer(await lifecycle.convert_to_demo(customer.customer_id, new_cause()), response)

    return api
