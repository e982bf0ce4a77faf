"""Editing a customer (R22), the customer's confirmation of billing changes (R27), and its usage (R28)."""

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from customer_svc.domain.customer import Customer
from customer_svc.domain.sold import usage
from customer_svc.entrypoints.api import new_cause
from customer_svc.entrypoints.api.views import existing, not_found, task_answer, task_summary
from customer_svc.handlers.edit import EditHandlers
from mmp_contracts.customer_spec import CustomerChanges
from mmp_servicekit.repository import Repository


class BillingConfirmation(BaseModel):
    task_id: str
    accept: bool


def router(edit: EditHandlers, customers: Repository[Customer]) -> APIRouter:
    api = APIRouter(prefix="/api/v1/customers/{customer_id}")

    @api.patch("")
    async def update_customer(customer_id: str, changes: CustomerChanges) -> JSONResponse:
        """R22: 202 and the task; 422 naming field and rule; 409 in demo mode or while another task runs."""
        return task_answer(await edit.update(customer_id, changes, new_cause()))

    @api.post("/billing-confirmation")
    async def confirm_billing_change(customer_id: str, body: BillingConfirmation) -> JSONResponse:
        """R27: the customer accepts or rejects the edit waiting in AWAITING_CONFIRMATION; the edit's task."""
        answer = await edit.confirm(customer_id, body.task_id, body.accept, new_cause())
        if answer is None:
            raise not_found()
        if answer.refused:
            raise HTTPException(409, answer.reason)
        customer = await existing(customers.get(customer_id))
        edited = customer.task(body.task_id)
        if edited is None:
            raise not_found()
        return JSONResponse(content=task_summary(edited))

    @api.get("/usage")
    async def usage_of(customer_id: str) -> dict[str, Any]:
        """R28: per bundle, allocated and used."""
        customer = await existing(customers.get(customer_id))
        return {
            "customer_id": customer_id,
            "webid": customer.webid,
            "usage": [u.model_dump() for u in usage(customer.record.spec)],
        }

    return api
