"""customer-svc's documents: the only module that knows their shape. Datetimes are stored as ISO strings.

- `customers`: one document per customer (the aggregate), through the repository and its outbox; bounded: a
  customer keeps its open tasks and the last closed ones, and its last steps (`Retention`).
- `refused_requests`: one document per request about a customer that does not exist, keyed by its task id,
  through a repository of its own (its TaskFailed goes out through its outbox).
- `bundles`: the SP's catalogue; `platform_groups`: customer-svc's own copy of the groups platform-svc
  announced (R1), never platform-svc's database; `deadline_scan`: how far the deadline job has looked. Plain
  collections.
"""

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer
from customer_svc.domain.deadlines import Deadlines
from customer_svc.domain.did_operations import DidOperation, DidOperations
from customer_svc.domain.edit import PendingUpdate
from customer_svc.domain.record import CustomerRecord, Status
from customer_svc.domain.refused_request import RefusedRequest
from customer_svc.domain.sold import SoldBundles
from customer_svc.domain.tasks import Task, TaskList, TaskStatus
from customer_svc.domain.timeline import Step, Timeline
from customer_svc.domain.undo import Undo, UndoReport
from customer_svc.domain.waiting import QueuedRequest, WaitingRequests
from mmp_contracts import Violation
from mmp_contracts.customer_spec import BillingChange, CustomerChanges, CustomerSpec, DidRange
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.repository import Repository
from mmp_servicekit.store import Collection, Document, Index, Scalar

WEBID_HOLDER = "live_webid"
"""R6 under concurrency: unique, holding the WebID while the customer holds it and `released:<customer id>`
otherwise (a unique index holds a value in every document), so of two concurrent creates only one wins."""
DEADLINE_MINUTE = "deadline_minute"
"""The minute (since the epoch) in which the customer's earliest deadline falls; null while nothing waits. The
deadline job finds the customers due by one equality lookup a minute, reading only those."""


def deadline_minute(at: datetime) -> int:
    return int(at.timestamp() // 60)


@dataclass(frozen=True)
class Retention:
    """What a customer document keeps (`MMP_CLOSED_TASKS_KEPT`, `MMP_STEPS_KEPT`): every open task, its create,
    the tasks requests wait on, the `closed_tasks` that closed last, and the last `steps` of its timeline. A task
    dropped is gone: `GET /api/v1/tasks/{id}` answers 404 for it."""

    closed_tasks: int = 50
    steps: int = 200


class CustomerMapper:
    indexes: Sequence[Index] = (
        Index.on(WEBID_HOLDER, unique=True),
        Index.on("webid"),
        Index.on("task_ids", multi=True),
        Index.on("status", "created_at"),
        Index.on("created_at"),
        Index.on(DEADLINE_MINUTE),
    )

    def __init__(self, deadlines: Deadlines | None = None, retention: Retention | None = None) -> None:
        self.deadlines = deadlines or Deadlines()
        self.retention = retention or Retention()

    def to_document(self, customer: Customer) -> Document:
        record = customer.record
        tasks = customer.kept_tasks(self.retention.closed_tasks)
        due = customer.next_due(self.deadlines)
        return {
            "_id": customer.customer_id,
            "webid": customer.webid,
            WEBID_HOLDER: customer.webid if record.status.holds_webid else f"released:{customer.customer_id}",
            "status": record.status.value,
            "status_since": record.since.isoformat(),
            DEADLINE_MINUTE: None if due is None else deadline_minute(due),
            "created_at": customer.created_at.isoformat(),
            "task_ids": [task.task_id for task in tasks],
            "spec": record.spec.model_dump(mode="json"),
            "reason": record.reason,
            "violations": _violations(record.violations),
            "demo": record.demo,
            "welcome_mail": record.welcome_mail,
            "sold_bundles": _sold(customer.sold),
            "tasks": [_task(task) for task in tasks],
            "steps": [
                {"at": s.at.isoformat(), "step": s.step, "outcome": s.outcome}
                for s in customer.timeline.recent(self.retention.steps)
            ],
            "waiting": [_queued(q) for q in customer.waiting.queued],
            "undo": {
                "awaiting": list(customer.undo.awaiting),
                "residue": {part: list(items) for part, items in customer.undo.residue.items()},
                "early": {
                    part: {"residue": list(report.residue), "detail": report.detail}
                    for part, report in customer.undo.early.items()
                },
            },
            "edit": None if customer.edit is None else _edit(customer.edit),
            "did_operations": [
                {
                    "task_id": op.task_id,
                    "kind": op.kind.value,
                    "did_range": op.did_range.model_dump(),
                    "since": op.since.isoformat(),
                    "undoing": op.undoing,
                }
                for op in customer.dids.operations
            ],
        }

    def from_document(self, doc: Document) -> Customer:
        undo = doc["undo"]
        return Customer(
            customer_id=doc["_id"],
            webid=doc["webid"],
            created_at=datetime.fromisoformat(doc["created_at"]),
            record=CustomerRecord(
                spec=CustomerSpec.model_validate(doc["spec"]),
                status=Status(doc["status"]),
                since=datetime.fromisoformat(doc["status_since"]),
                reason=doc["reason"],
                violations=_violations_from(doc["violations"]),
                demo=doc["demo"],
                welcome_mail=doc["welcome_mail"],
            ),
            sold=_sold_from(doc["sold_bundles"]),
            tasks=TaskList([_task_from(task) for task in doc["tasks"]]),
            timeline=Timeline([Step(datetime.fromisoformat(s["at"]), s["step"], s["outcome"]) for s in doc["steps"]]),
            waiting=WaitingRequests([_queued_from(q) for q in doc["waiting"]]),
            undo=Undo(
                awaiting=list(undo["awaiting"]),
                residue={part: list(items) for part, items in undo["residue"].items()},
                early={
                    part: UndoReport(tuple(report["residue"]), report["detail"])
                    for part, report in undo["early"].items()
                },
            ),
            edit=None if doc["edit"] is None else _edit_from(doc["edit"]),
            dids=DidOperations(
                [
                    DidOperation(
                        op["task_id"],
                        TaskKind(op["kind"]),
                        DidRange.model_validate(op["did_range"]),
                        datetime.fromisoformat(op["since"]),
                        op["undoing"],
                    )
                    for op in doc["did_operations"]
                ]
            ),
        )


class CustomerQueries:
    """The lookups beside get-by-id: each through an index of the customer documents."""

    def __init__(self, customers: Repository[Customer]) -> None:
        self.customers = customers

    async def live_with_webid(self, webid: str) -> Customer | None:
        """The one customer holding this WebID now (R6), whatever deleted or failed ones had it before."""
        found = await self.customers.find(**{WEBID_HOLDER: webid})
        return found[0] if found else None

    async def by_task(self, task_id: str) -> Customer | None:
        found = await self.customers.find(task_ids=task_id)
        return found[0] if found else None

    async def claims(self, customer_id: str, group: str, did_range: DidRange) -> bool:
        """Whether this customer holds (or is acquiring) any of these numbers of the group (R12)."""
        customer = await self.customers.get(customer_id)
        return customer is not None and customer.claims(group, did_range)

    async def listing(
        self,
        *,
        webid: str | None = None,
        status: Status | None = None,
        customer_id: str | None = None,
        offset: int = 0,
        limit: int = 50,
    ) -> list[Customer]:
        """Newest first."""
        where: dict[str, Scalar] = {}
        if webid:
            where["webid"] = webid
        if status:
            where["status"] = status.value
        if customer_id is not None:
            where["_id"] = customer_id
        docs = await self.customers.collection.find(
            where, order_by="created_at", descending=True, offset=offset, limit=limit
        )
        return [self.customers.mapper.from_document(doc) for doc in docs]


class DueCustomers:
    """The customers whose earliest deadline falls in a given minute, and the minute the deadline job has looked
    at up to (one document in `deadline_scan`, so that a restart goes on from there)."""

    SCAN = "scan"

    def __init__(self, customers: Repository[Customer], scans: Collection) -> None:
        self.customers = customers
        self.scans = scans

    async def due_in(self, minute: int) -> list[Customer]:
        return await self.customers.find(**{DEADLINE_MINUTE: minute})

    async def scanned_through(self) -> int | None:
        doc = await self.scans.get(self.SCAN)
        return None if doc is None else int(doc["minute"])

    async def scanned(self, minute: int) -> None:
        await self.scans.put({"_id": self.SCAN, "minute": minute})


class RefusedRequestMapper:
    indexes: Sequence[Index] = ()

    def to_document(self, request: RefusedRequest) -> Document:
        return {
            "_id": request.task.task_id,
            "customer_id": request.customer_id,
            "webid": request.webid,
            "task": _task(request.task),
        }

    def from_document(self, doc: Document) -> RefusedRequest:
        return RefusedRequest(doc["customer_id"], doc["webid"], _task_from(doc["task"]))


class Catalogue:
    """The SP's bundles and the platform groups customer-svc has heard of (R1)."""

    def __init__(self, bundles: Collection, platform_groups: Collection) -> None:
        self.bundle_documents = bundles
        self.group_documents = platform_groups

    async def bundles(self) -> dict[str, Bundle]:
        return {doc["_id"]: _bundle_from(doc) for doc in await self.bundle_documents.find()}

    async def put_bundle(self, bundle: Bundle) -> None:
        await self.bundle_documents.put({"_id": bundle.bundle_id, **_bundle(bundle)})

    async def platform_groups(self) -> dict[str, str]:
        return {doc["_id"]: doc["name"] for doc in await self.group_documents.find()}

    async def remember_platform_group(self, group_id: str, name: str) -> None:
        await self.group_documents.put({"_id": group_id, "name": name})

    async def forget_platform_group(self, group_id: str) -> None:
        await self.group_documents.delete(group_id)


def _violations(violations: Sequence[Violation]) -> list[dict[str, Any]]:
    return [v.model_dump() for v in violations]


def _violations_from(docs: Sequence[dict[str, Any]]) -> list[Violation]:
    return [Violation.model_validate(doc) for doc in docs]


def _task(task: Task) -> Document:
    return {
        "task_id": task.task_id,
        "kind": task.kind.value,
        "status": task.status.value,
        "created_at": task.created_at.isoformat(),
        "finished_at": task.finished_at.isoformat() if task.finished_at else None,
        "reason": task.reason,
        "refused": task.refused,
        "violations": _violations(task.violations),
        "waiting_for": task.waiting_for,
    }


def _task_from(doc: Document) -> Task:
    return Task(
        task_id=doc["task_id"],
        kind=TaskKind(doc["kind"]),
        status=TaskStatus(doc["status"]),
        created_at=datetime.fromisoformat(doc["created_at"]),
        finished_at=datetime.fromisoformat(doc["finished_at"]) if doc["finished_at"] else None,
        reason=doc["reason"],
        refused=doc["refused"],
        violations=tuple(_violations_from(doc["violations"])),
        waiting_for=doc["waiting_for"],
    )


def _queued(request: QueuedRequest) -> Document:
    return {
        "task_id": request.task_id,
        "kind": request.kind.value,
        "waiting_for": request.waiting_for,
        # the sections given, and only those: an edit replaces each section it names
        "changes": None if request.changes is None else request.changes.model_dump(mode="json", exclude_unset=True),
        "did_range": None if request.did_range is None else request.did_range.model_dump(),
    }


def _queued_from(doc: Document) -> QueuedRequest:
    return QueuedRequest(
        task_id=doc["task_id"],
        kind=TaskKind(doc["kind"]),
        waiting_for=doc["waiting_for"],
        changes=None if doc["changes"] is None else CustomerChanges.model_validate(doc["changes"]),
        did_range=None if doc["did_range"] is None else DidRange.model_validate(doc["did_range"]),
    )


def _edit(edit: PendingUpdate) -> Document:
    return {
        "task_id": edit.task_id,
        "after": edit.after.model_dump(mode="json"),
        "billing_changes": [c.model_dump() for c in edit.billing_changes],
        "sold": _sold(edit.sold),
        "failure": edit.failure,
        "violations": _violations(edit.violations),
        "reverted": None if edit.reverted is None else list(edit.reverted),
        "put_back": edit.put_back,
    }


def _edit_from(doc: Document) -> PendingUpdate:
    return PendingUpdate(
        task_id=doc["task_id"],
        after=CustomerSpec.model_validate(doc["after"]),
        billing_changes=[BillingChange.model_validate(c) for c in doc["billing_changes"]],
        sold=_sold_from(doc["sold"]),
        failure=doc["failure"],
        violations=_violations_from(doc["violations"]),
        reverted=doc["reverted"],
        put_back=doc["put_back"],
    )


def _sold(sold: SoldBundles) -> Document:
    return {bundle_id: _bundle(bundle) for bundle_id, bundle in sold.bundles.items()}


def _sold_from(doc: Document) -> SoldBundles:
    return SoldBundles({bundle_id: _bundle_from(bundle) for bundle_id, bundle in doc.items()})


def _bundle(bundle: Bundle) -> Document:
    return {**asdict(bundle), "phone_types": list(bundle.phone_types)}


def _bundle_from(doc: Document) -> Bundle:
    fields = {k: v for k, v in doc.items() if k != "_id"}
    return Bundle(**{**fields, "phone_types": tuple(fields["phone_types"])})
