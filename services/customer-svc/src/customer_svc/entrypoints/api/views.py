"""What the API shows of customers, tasks and bundles (one response model each), and how it answers a request
on a customer: 202 with the task and a `Location` naming it, 200 when done at once, or the one error model."""

from collections.abc import Awaitable
from datetime import datetime
from typing import Any

from fastapi import Response
from pydantic import BaseModel, ConfigDict

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer
from customer_svc.domain.record import Status
from customer_svc.domain.refused_request import RefusedRequest
from customer_svc.domain.tasks import Task, TaskStatus
from mmp_contracts import Violation, examples
from mmp_contracts.customer_spec import BundleUsage, CustomerSpec, DidRange
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.http_errors import ApiRefusal, error_responses, not_found

TASKS = "/api/v1/tasks"
LOCATION = {
    "Location": {
        "description": "The task that carries the request: `/api/v1/tasks/{task_id}`",
        "required": True,
        "schema": {"type": "string"},
    }
}
_CANONICAL = examples.create_customer()["data"]


class View(BaseModel):
    model_config = ConfigDict(frozen=True)


class StepView(View):
    at: datetime
    step: str
    outcome: str


class TaskSummary(View):
    """A request on a customer (R25): PENDING while it runs or waits (`waiting_for`), then COMPLETED or FAILED."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "task_id": examples.TASK_ID,
                    "kind": "create",
                    "status": "PENDING",
                    "reason": None,
                    "refused": False,
                    "waiting_for": None,
                    "violations": [],
                    "created_at": "2026-11-26T09:30:00.120000+00:00",
                    "finished_at": None,
                }
            ]
        }
    )

    task_id: str
    kind: TaskKind
    status: TaskStatus
    reason: str | None
    refused: bool
    waiting_for: str | None
    violations: list[Violation]
    created_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, task: Task) -> "TaskSummary":
        return cls(
            task_id=task.task_id,
            kind=task.kind,
            status=task.status,
            reason=task.reason,
            refused=task.refused,
            waiting_for=task.waiting_for,
            violations=list(task.violations),
            created_at=task.created_at,
            finished_at=task.finished_at,
        )


class TaskView(TaskSummary):
    """A task with the customer it is about and the saga's steps so far."""

    customer_id: str
    webid: str
    customer_status: Status
    steps: list[StepView]

    @classmethod
    def about(cls, customer: Customer, task: Task) -> "TaskView":
        return cls(
            **TaskSummary.of(task).model_dump(),
            customer_id=customer.customer_id,
            webid=customer.webid,
            customer_status=customer.record.status,
            steps=steps_of(customer),
        )


class RefusedTaskView(TaskSummary):
    """A request about a customer that does not exist (an unknown id, or a WebID no live customer holds),
    failed at once."""

    customer_id: str
    """As the request named it; empty when it named a WebID."""
    webid: str | None

    @classmethod
    def about(cls, request: RefusedRequest) -> "RefusedTaskView":
        return cls(**TaskSummary.of(request.task).model_dump(), customer_id=request.customer_id, webid=request.webid)


class DeletedDemoCustomer(TaskSummary):
    """R24: a demo customer's delete, done at once, with what is left on the platforms to clear by hand."""

    residue: list[str]


class TaskList(View):
    items: list[TaskSummary]


class BundleView(View):
    bundle_id: str
    name: str
    service_type: str
    phone_types: list[str]
    phones_per_user: int
    licence_tier: str

    @classmethod
    def of(cls, bundle: Bundle) -> "BundleView":
        return cls(
            bundle_id=bundle.bundle_id,
            name=bundle.name,
            service_type=bundle.service_type,
            phone_types=list(bundle.phone_types),
            phones_per_user=bundle.phones_per_user,
            licence_tier=bundle.licence_tier,
        )


class SoldBundle(View):
    """A bundle's terms as the customer bought them (a later catalogue change leaves them alone)."""

    name: str
    service_type: str
    phone_types: list[str]
    phones_per_user: int
    licence_tier: str


class CustomerView(View):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "customer_id": examples.CUSTOMER_ID,
                    "webid": _CANONICAL["details"]["webid"],
                    "name": _CANONICAL["details"]["name"],
                    "status": "ACTIVE",
                    "reason": None,
                    "violations": [],
                    "residue": [],
                    "welcome_mail": "sent",
                    "created_at": "2026-11-26T09:30:00.120000+00:00",
                    "steps": [],
                    "tasks": [],
                    "spec": _CANONICAL,
                    "bundles_sold": {},
                }
            ]
        }
    )

    customer_id: str
    webid: str
    name: str
    status: Status
    reason: str | None
    violations: list[Violation]
    residue: list[str]
    welcome_mail: str | None
    created_at: datetime
    steps: list[StepView]
    tasks: list[TaskSummary]
    spec: CustomerSpec
    bundles_sold: dict[str, SoldBundle]

    @classmethod
    def of(cls, customer: Customer) -> "CustomerView":
        record = customer.record
        return cls(
            customer_id=customer.customer_id,
            webid=customer.webid,
            name=record.spec.details.name,
            status=record.status,
            reason=record.reason,
            violations=list(record.violations),
            residue=customer.undo.left(),
            welcome_mail=record.welcome_mail,
            created_at=customer.created_at,
            steps=steps_of(customer),
            tasks=[TaskSummary.of(t) for t in customer.tasks],
            spec=record.spec,
            bundles_sold={
                bundle_id: SoldBundle(**BundleView.of(bundle).model_dump(exclude={"bundle_id"}))
                for bundle_id, bundle in customer.sold.bundles.items()
            },
        )


class CustomerList(View):
    items: list[CustomerView]
    offset: int
    limit: int


class DidRangeList(View):
    items: list[DidRange]


class Usage(View):
    """R28: per bundle, the quantity allocated and the quantity used."""

    customer_id: str
    webid: str
    usage: list[BundleUsage]


class KnownPlatformGroup(View):
    platform_group_id: str
    name: str


def steps_of(customer: Customer) -> list[StepView]:
    return [StepView(at=s.at, step=s.step, outcome=s.outcome) for s in customer.timeline.steps]


def task_location(response: Response, task_id: str) -> None:
    response.headers["Location"] = f"{TASKS}/{task_id}"


def task_answer(task: Task | None, response: Response) -> TaskSummary:
    """A request on a customer: 202 with its task while it runs (or waits, R25), 200 when it is done at
    once; 404 for no such customer; 409 when it does not apply to the customer as it stands or asks for
    what another holds; 422 naming each field and rule it breaks."""
    if task is None:
        raise not_found("customer_id", "no such customer")
    refuse_if_refused(task)
    accepted(response, task)
    return TaskSummary.of(task)


def refuse_if_refused(task: Task) -> None:
    if task.refused and task.violations:
        status = 409 if any(v.conflict for v in task.violations) else 422
        raise ApiRefusal(status, task.violations, task_id=task.task_id)
    if task.refused:
        reason = task.reason or "refused"
        raise ApiRefusal.of(409, "customer_id", "state", reason, task_id=task.task_id)


def accepted(response: Response, task: Task) -> None:
    response.status_code = 202 if task.status is TaskStatus.PENDING else 200
    if response.status_code == 202:
        task_location(response, task.task_id)


def task_responses(*errors: int, done: type[BaseModel] = TaskSummary) -> dict[int | str, dict[str, Any]]:
    """202 (running or waiting, with `Location`) or 200 (done at once) with the task, and the errors."""
    return {
        202: {"model": TaskSummary, "description": "Accepted: the task runs or waits", "headers": LOCATION},
        200: {"model": done, "description": "Done at once"},
        **error_responses(*errors),
    }


async def existing(lookup: Awaitable[Customer | None]) -> Customer:
    customer = await lookup
    if customer is None:
        raise not_found("customer_id", "no such customer")
    return customer
