"""What the API shows of customers, tasks and bundles."""

from typing import Any

from pydantic import BaseModel, Field

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer
from customer_svc.domain.tasks import Task


def customer_view(customer: Customer) -> dict[str, Any]:
    return {
        "customer_id": customer.customer_id,
        "webid": customer.webid,
        "name": customer.spec.details.name,
        "status": customer.status.value,
        "reason": customer.reason,
        "violations": [v.model_dump() for v in customer.violations],
        "residue": [item for items in customer.residue.values() for item in items],
        "welcome_mail": customer.welcome_mail,
        "created_at": customer.created_at.isoformat(),
        "steps": customer.steps,
        "tasks": [task_summary(t) for t in customer.tasks],
        "spec": customer.spec.model_dump(mode="json"),
        "bundles_sold": {k: BundleBody.of(v).model_dump() for k, v in customer.sold_bundles.items()},
    }


def task_summary(task: Task) -> dict[str, Any]:
    return {
        "task_id": task.task_id,
        "kind": task.kind,
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
        "customer_status": customer.status.value,
        "steps": customer.steps,
    }


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
