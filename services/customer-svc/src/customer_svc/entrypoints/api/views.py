"""What the API shows of customers, tasks and bundles, and how it answers a request on a customer."""

from collections.abc import Awaitable
from typing import Any

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer
from customer_svc.domain.tasks import Task, TaskStatus


def customer_view(customer: Customer) -> dict[str, Any]:
    record = customer.record
    return {
        "customer_id": customer.customer_id,
        "webid": customer.webid,
        "name": record.spec.details.name,
        "status": record.status.value,
        "reason": record.reason,
        "violations": [v.model_dump() for v in record.violations],
        "residue": customer.undo.left(),
        "welcome_mail": record.welcome_mail,
        "created_at": customer.created_at.isoformat(),
        "steps": steps_view(customer),
        "tasks": [task_summary(t) for t in customer.tasks],
        "spec": record.spec.model_dump(mode="json"),
        "bundles_sold": {k: BundleBody.of(v).model_dump() for k, v in customer.sold.bundles.items()},
    }


def steps_view(customer: Customer) -> list[dict[str, str]]:
    return [{"at": s.at.isoformat(), "step": s.step, "outcome": s.outcome} for s in customer.timeline.steps]


def task_summary(task: Task) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "kind": task.kind.value,
        "status": task.status.value,
        "reason": task.reason,
        "refused": task.refused,
        "waiting_for": task.waiting_for,
        "violations": [v.model_dump() for v in task.violations],
        "created_at": task.created_at.isoformat(),
        "finished_at": task.finished_at.isoformat() if task.finished_at else None,
    }


def task_view(customer: Customer, task: Task) -> dict[str, Any]:
    return task_summary(task) | {
        "customer_id": customer.customer_id,
        "webid": customer.webid,
        "customer_status": customer.record.status.value,
        "steps": steps_view(customer),
    }


def task_answer(task: Task | None) -> JSONResponse:
    """A request on a customer: 202 with its task while it runs (or waits, R25), 200 when it is done at
    once; 404 for no such customer; 409 when it does not apply to the customer as it stands or asks for
    what another holds; 422 naming each field and rule it breaks."""
    if task is None:
        raise not_found()
    if task.refused and task.violations:
        status = 409 if any(v.conflict for v in task.violations) else 422
        raise HTTPException(status, [v.model_dump() for v in task.violations])
    if task.refused:
        raise HTTPException(409, task.reason)
    return JSONResponse(status_code=202 if task.status is TaskStatus.PENDING else 200, content=task_summary(task))


def not_found() -> HTTPException:
    return HTTPException(404, "not found")


async def existing(lookup: Awaitable[Customer | None]) -> Customer:
    customer = await lookup
    if customer is None:
        raise not_found()
    return customer


class BundleBody(BaseModel):
    name: str = Field(min_length=1)
    service_type: str
    phone_types: list[str] = []
    phones_per_user: int = 1
    licence_tier: str = "standard"

    @classmethod
    def of(cls, bundle: Bundle) -> "BundleBody":
        return cls(
            name=bundle.name,
            service_type=bundle.service_type,
            phone_types=list(bundle.phone_types),
            phones_per_user=bundle.phones_per_user,
            licence_tier=bundle.licence_tier,
        )

    def bundle(self, bundle_id: str) -> Bundle:
        return Bundle(
            bundle_id=bundle_id, **self.model_dump(exclude={"phone_types"}), phone_types=tuple(self.phone_types)
        )
