"""Editing a customer (R22) by JSON Merge Patch, the customer's confirmation of billing changes (R27), and its
usage (R28)."""

from typing import Annotated

from fastapi import APIRouter, Body, Response
from pydantic import ValidationError

from customer_svc.domain.customer import Customer
from customer_svc.domain.edit import apply_changes
from customer_svc.domain.refusal import Refused
from customer_svc.domain.sold import usage
from customer_svc.entrypoints.api import new_cause
from customer_svc.entrypoints.api.bodies import (
    MAX_SPEC_BYTES,
    BillingConfirmation,
    CustomerEdit,
    CustomerPatch,
    spec_bytes,
)
from customer_svc.entrypoints.api.views import TaskSummary, Usage, existing, task_answer, task_responses
from customer_svc.handlers.edit import EditHandlers
from mmp_contracts import Violation
from mmp_contracts.customer_spec import CustomerChanges
from mmp_servicekit.http_errors import ApiRefusal, error_responses, field_path, not_found
from mmp_servicekit.merge_patch import MEDIA_TYPE, merge_patch
from mmp_servicekit.repository import Repository

PATCH_BODY = {
    "requestBody": {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CustomerPatch"}}},
    }
}


def router(edit: EditHandlers, customers: Repository[Customer]) -> APIRouter:
    api = APIRouter(prefix="/api/v1/customers/{customer_id}", tags=["customers"])

    @api.patch("", status_code=202, responses=task_responses(404, 409, 422), openapi_extra=PATCH_BODY)
    async def update_customer(
        customer_id: str, patch: Annotated[CustomerPatch, Body(media_type=MEDIA_TYPE)], response: Response
    ) -> TaskSummary:
        """R22, as a JSON Merge Patch (RFC 7396; `application/json` is read the same way) of the customer's
        current specification. The result is checked as a whole, by the schema and by the rules of a new
        customer, before anything is asked for: 422 naming each field and rule. Then 202 and the task, which
        waits behind unfinished work (R25); 409 in demo mode."""
        customer = await existing(customers.get(customer_id))
        changes = edited(customer, patch)
        violations = await edit.violations(customer, changes)
        if violations:
            raise ApiRefusal(409 if any(v.conflict for v in violations) else 422, violations)
        return task_answer(await edit.update(customer_id, changes, new_cause()), response)

    @api.post("/billing-confirmation", responses=error_responses(404, 409))
    async def confirm_billing_change(customer_id: str, body: BillingConfirmation) -> TaskSummary:
        """R27: the customer accepts or rejects the edit waiting in AWAITING_CONFIRMATION; the edit's task."""
        answer = await edit.confirm(customer_id, body.task_id, body.accept, new_cause())
        if answer is None:
            raise not_found("customer_id", "no such customer")
        if answer.refused:
            raise ApiRefusal.of(409, "task_id", "R27", answer.reason or "refused", task_id=answer.task_id)
        customer = await existing(customers.get(customer_id))
        edited_task = customer.task(body.task_id)
        if edited_task is None:
            raise not_found("task_id", "no such task")
        return TaskSummary.of(edited_task)

    @api.get("/usage", responses=error_responses(404))
    async def usage_of(customer_id: str) -> Usage:
        """R28: per bundle, allocated and used."""
        customer = await existing(customers.get(customer_id))
        return Usage(customer_id=customer_id, webid=customer.webid, usage=usage(customer.record.spec))

    return api


def edited(customer: Customer, patch: CustomerPatch) -> CustomerChanges:
    """The patch applied to the customer as it stands and checked whole: the sections it touches, each complete,
    so that what the handler is given (or queues, R25) is a valid change."""
    document = patch.document()
    current = CustomerEdit.current(customer.record.spec)
    merged = merge_patch(current, document)
    try:
        after = CustomerEdit.model_validate(merged)
    except ValidationError as invalid:
        raise ApiRefusal(
            422,
            [
                Violation(field=field_path(e["loc"]), rule=f"schema:{e['type']}", message=e["msg"])
                for e in invalid.errors()
            ],
        ) from None
    if after.details.webid != customer.webid:
        message = f"the WebID never changes; it is {customer.webid!r}"
        raise ApiRefusal.of(422, "details.webid", "R6", message)
    changes = CustomerChanges.model_validate(after.model_dump(include=set(document)))
    try:
        size = spec_bytes(apply_changes(customer.record.spec, changes))
    except Refused as refused:
        raise ApiRefusal(422, refused.violations) from None
    if size > MAX_SPEC_BYTES:
        message = f"the customer's specification would be {size} bytes of JSON; at most {MAX_SPEC_BYTES}"
        raise ApiRefusal.of(422, "body", "schema:too_large", message)
    return changes
