"""Retrying a failed rollback (R21), deleting (R23), demo mode (R24): SP admins only."""

import re

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from customer_svc.adapters.store import CustomerQueries
from customer_svc.domain.customer import Customer
from customer_svc.entrypoints.api import new_cause
from customer_svc.entrypoints.api.views import task_answer, task_summary
from customer_svc.handlers.lifecycle import LifecycleHandlers
from mmp_servicekit.repository import Repository
from mmp_servicekit.tenancy import sp_admin_only

MAINTENANCE = re.compile(r"^\s*convertCustomerToDemoMode\s+(?P<webid>\S+)\s*$")


class MaintenanceCommand(BaseModel):
    command: str


def router(lifecycle: LifecycleHandlers, customers: Repository[Customer], queries: CustomerQueries) -> APIRouter:
    api = APIRouter(prefix="/api/v1", dependencies=[Depends(sp_admin_only)])

    @api.post("/customers/{customer_id}/rollback", status_code=202)
    async def retry_rollback(customer_id: str) -> JSONResponse:
        return task_answer(await lifecycle.retry(customer_id, new_cause()))

    @api.delete("/customers/{customer_id}", status_code=202)
    async def delete_customer(customer_id: str) -> JSONResponse:
        """202 with the task while the platforms remove it; 200 at once for a demo customer (R24),
        whose residues on the platforms are listed (`residue`) for manual cleanup."""
        task = await lifecycle.delete(customer_id, new_cause())
        response = task_answer(task)
        customer = await customers.get(customer_id)
        if response.status_code == 200 and task is not None and customer is not None:
            return JSONResponse(content={**task_summary(task), "residue": customer.undo.left()})
        return response

    @api.post("/customers/{customer_id}/demo-mode")
    async def convert_to_demo(customer_id: str) -> JSONResponse:
        return task_answer(await lifecycle.convert_to_demo(customer_id, new_cause()))

    @api.post("/maintenance/commands")
    async def maintenance(body: MaintenanceCommand) -> JSONResponse:
        match = MAINTENANCE.match(body.command)
        if match is None:
            message = "the only command is `convertCustomerToDemoMode <webid>`"
            raise HTTPException(422, [{"field": "command", "rule": "R24", "message": message}])
        customer = await queries.live_with_webid(match["webid"])
        if customer is None:
            raise HTTPException(404, f"no live customer has WebID {match['webid']!r}")
        return task_answer(await lifecycle.convert_to_demo(customer.customer_id, new_cause()))

    return api
