"""customer-svc's documents: the only module that knows their shape. Datetimes are stored as ISO strings.

- `customers`: one document per customer (the aggregate), through the repository and its outbox.
- `bundles`: the SP's catalogue; `platform_groups`: customer-svc's own copy of the groups platform-svc
  announced (R1), never platform-svc's database. Both plain collections.
"""

from collections.abc import Sequence
from dataclasses import asdict
from datetime import datetime
from typing import Any

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer
from customer_svc.domain.did_operations import DidOperation, DidOperations
from customer_svc.domain.edit import PendingUpdate
from customer_svc.domain.record import CustomerRecord, Status
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


class CustomerMapper:
    indexes: Sequence[Index] = (
        Index.on(WEBID_HOLDER, unique=True),
        Index.on("webid"),
        Index.on("task_ids", multi=True),
        Index.on("status", "created_at"),
        Index.on("created_at"),
    )

    def to_document(self, customer: Customer) -> Document:
        record = customer.record
        return {
            "_id": customer.customer_id,
            "webid": customer.webid,
            WEBID_HOLDER: customer.webid if record.status.holds_webid else f"released:{customer.customer_id}",
            "status": record.status.value,
            "created_at": customer.created_at.isoformat(),
            "task_ids": [task.task_id for task in customer.tasks],
            "spec": record.spec.model_dump(mode="json"),
            "reason": record.reason,
            "violations": _violations(record.violations),
            "demo": record.demo,
            "welcome_mail": record.welcome_mail,
            "sold_bundles": _sold(customer.sold),
            "tasks": [_task(task) for task in customer.tasks],
            "steps": [{"at": s.at.isoformat(), "step": s.step, "outcome": s.outcome} for s in customer.timeline.steps],
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
                {"task_id": op.task_id, "kind": op.kind.value, "did_range": op.did_range.model_dump()}
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
                    DidOperation(op["task_id"], TaskKind(op["kind"]), DidRange.model_validate(op["did_range"]))
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
