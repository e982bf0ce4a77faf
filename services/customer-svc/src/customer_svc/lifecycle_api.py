"""Requests on an existing customer: edit (R22, R27), retry a rollback (R21), delete (R23), demo mode (R24),
usage (R28) and its tasks."""

import re
import uuid
from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from customer_svc.domain.editing import usage
from customer_svc.domain.tasks import Task, TaskStatus
from customer_svc.handlers import CustomerHandlers
from customer_svc.store import CustomerStore
from customer_svc.views import task_summary
from mmp_contracts import CloudEvent
from mmp_contracts.commands import ConfirmBillingChange, UpdateCustomer
from mmp_contracts.customer_spec import CustomerChanges
from mmp_servicekit.outbox import Cause
from mmp_servicekit.tenancy import sp_admin_only

SP_ONLY = [Depends(sp_admin_only)]

MAINTENANCE = re.compile(r"^\s*convertCustomerToDemoMode\s+(?P<webid>\S+)\s*$")


class MaintenanceCommand(BaseModel):
    command: str


class BillingConfirmation(BaseModel):
    task_id: str
    accept: bool


def new_cause() -> Cause:
    task_id = str(uuid.uuid4())
    return Cause(correlation_id=task_id, message_id=task_id)


def router(handlers: CustomerHandlers, store: CustomerStore) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    async def run(customer_id: str, kind: str) -> JSONResponse:
        return answer(await handlers.request(customer_id, new_cause(), kind))

    def answer(task: Task | None) -> JSONResponse:
        if task is None:
            raise HTTPException(404, "not found")
        if task.refused and task.violations:
            raise HTTPException(422, [v.model_dump() for v in task.violations])
        if task.refused:
            raise HTTPException(409, task.reason)
        return JSONResponse(status_code=202 if task.status is TaskStatus.PENDING else 200, content=shown(task))

    @api.patch("/customers/{customer_id}")
    async def update_customer(customer_id: str, changes: CustomerChanges) -> JSONResponse:
        """R22: 202 and the task; 422 naming field and rule; 409 in demo mode or while another task runs."""
        command = UpdateCustomer(customer_id=customer_id, changes=changes)
        return answer(await handlers.update(command, new_cause()))

    @api.post("/customers/{customer_id}/billing-confirmation")
    async def confirm_billing_change(customer_id: str, body: BillingConfirmation) -> JSONResponse:
        """R27: the customer accepts or rejects the edit waiting in AWAITING_CONFIRMATION."""
        command = ConfirmBillingChange(customer_id=customer_id, task_id=body.task_id, accept=body.accept)
        envelope = CloudEvent.wrap(command, source="mmp/customer-svc/api", correlationid=str(uuid.uuid4()))
        await handlers.confirm_billing_change(command, envelope)
        customer = await store.get(customer_id)
        if customer is None:
            raise HTTPException(404, "not found")
        confirmation = next(t for t in customer.tasks if t.task_id == envelope.correlationid)
        if confirmation.refused:
            raise HTTPException(409, confirmation.reason)
        return JSONResponse(content=shown(next(t for t in customer.tasks if t.task_id == body.task_id)))

    @api.get("/customers/{customer_id}/usage")
    async def usage_of(customer_id: str) -> dict[str, Any]:
        """R28: per bundle, allocated and used."""
        customer = await store.get(customer_id)
        if customer is None:
            raise HTTPException(404, "not found")
        return {
            "customer_id": customer_id,
            "webid": customer.webid,
            "usage": [u.model_dump() for u in usage(customer.spec)],
        }

    @api.get("/customers/{customer_id}/tasks")
    async def tasks_of(customer_id: str) -> dict[str, Any]:
        customer = await store.get(customer_id)
        if customer is None:
            raise HTTPException(404, "not found")
        return {"items": [shown(task) for task in customer.tasks]}

    def shown(task: Task) -> dict[str, Any]:
        return task_summary(task)

    @api.post("/customers/{customer_id}/rollback", status_code=202, dependencies=SP_ONLY)
    async def retry_rollback(customer_id: str) -> JSONResponse:
        return await run(customer_id, "retry-rollback")

    @api.delete("/customers/{customer_id}", status_code=202, dependencies=SP_ONLY)
    async def delete_customer(customer_id: str) -> JSONResponse:
        """202 with the task while the platforms remove it; 200 at once for a demo customer (R24),
        whose residues on the platforms are listed on the customer (`residue`) for manual cleanup."""
        task = await handlers.request(customer_id, new_cause(), "delete")
        response = answer(task)
        customer = await store.get(customer_id)
        if response.status_code == 200 and task is not None and customer is not None:
            residue = [item for items in customer.residue.values() for item in items]
            return JSONResponse(content={**shown(task), "residue": residue})
        return response

    @api.post("/customers/{customer_id}/demo-mode", dependencies=SP_ONLY)
    async def convert_to_demo(customer_id: str) -> JSONResponse:
        return await run(customer_id, "convert-to-demo")

    @api.post("/maintenance/commands", dependencies=SP_ONLY)
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
