"""Requests on an existing customer: retry a rollback (R21), delete (R23), demo mode (R24)."""

import re
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from customer_svc.domain.tasks import Task, TaskStatus
from customer_svc.handlers import CustomerHandlers
from customer_svc.store import CustomerStore
from customer_svc.views import task_summary
from mmp_servicekit.outbox import Cause

MAINTENANCE = re.compile(r"^\s*convertCustomerToDemoMode\s+(?P<webid>\S+)\s*$")


class MaintenanceCommand(BaseModel):
    command: str


def router(handlers: CustomerHandlers, store: CustomerStore) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    async def run(customer_id: str, kind: str) -> JSONResponse:
        task_id = str(uuid.uuid4())
        task = await handlers.request(customer_id, Cause(correlation_id=task_id, message_id=task_id), kind)
        if task is None:
            raise HTTPException(404, "not found")
        if task.refused:
            raise HTTPException(409, task.reason)
        return JSONResponse(status_code=202 if task.status is TaskStatus.PENDING else 200, content=shown(task))

    def shown(task: Task) -> dict[str, Any]:
        return task_summary(task)

    @api.post("/customers/{customer_id}/rollback", status_code=202)
    async def retry_rollback(customer_id: str) -> JSONResponse:
        return await run(customer_id, "retry-rollback")

    @api.delete("/customers/{customer_id}", status_code=202)
    async def delete_customer(customer_id: str) -> JSONResponse:
        """202 with the task while the platforms remove it; 200 at once for a demo customer (R24),
        whose residues on the platforms are listed on the customer (`residue`) for manual cleanup."""
        response = await run(customer_id, "delete")
        if response.status_code == 200:
            customer = await store.get(customer_id)
            assert customer is not None
            residue = [item for items in customer.residue.values() for item in items]
            return JSONResponse(content={**shown(customer.tasks[-1]), "residue": residue})
        return response

    @api.post("/customers/{customer_id}/demo-mode")
    async def convert_to_demo(customer_id: str) -> JSONResponse:
        return await run(customer_id, "convert-to-demo")

    @api.post("/maintenance/commands")
    async def maintenance(body: MaintenanceCommand) -> JSONResponse:
        match = MAINTENANCE.match(body.command)
        if match is None:
            message = "the only command is `convertCustomerToDemoMode <webid>`"
            raise HTTPException(422, [{"field": "command", "rule": "R24", "message": message}])
        customer = await store.live_with_webid(match["webid"])
        if customer is None:
            raise HTTPException(404, f"no live customer has WebID {match['webid']!r}")
        return await run(customer.customer_id, "convert-to-demo")

    return api
