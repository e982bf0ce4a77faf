"""customer-svc's MongoDB documents: the only module that knows their shape."""

from dataclasses import asdict
from typing import Any

from customer_svc.did_index import DidIndex
from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.customer import Customer, DidOperation, Status
from customer_svc.domain.did_ranges import Span
from customer_svc.domain.editing import PendingUpdate
from customer_svc.domain.tasks import Task, TaskList, TaskStatus
from customer_svc.domain.waiting import QueuedRequest
from mmp_contracts import Violation
from mmp_contracts.customer_spec import BillingChange, CustomerSpec
from mmp_servicekit.outbox import Aggregates, Decision


def to_document(customer: Customer) -> dict[str, Any]:
    doc = {
        "_id": customer.customer_id,
        "webid": customer.webid,
        "spec": customer.spec.model_dump(mode="json"),
        "status": customer.status.value,
        "created_at": customer.created_at,
        "reason": customer.reason,
        "violations": [v.model_dump() for v in customer.violations],
        "awaiting_undo": customer.awaiting_undo,
        "residue": customer.residue,
        "welcome_mail": customer.welcome_mail,
        "demo": customer.demo,
        "pending_update": pending_to_document(customer.pending_update),
        "queued": [asdict(q) for q in customer.queued],
        "undone_early": customer.undone_early,
        "sold_bundles": {k: bundle_to_document(v) for k, v in customer.sold_bundles.items()},
        "did_operations": [
            {"task_id": op.task_id, "kind": op.kind, "range": list(op.span.text())} for op in customer.did_operations
        ],
        "steps": customer.steps,
        "tasks": [task_to_document(task) for task in customer.tasks],
    }
    if customer.status.holds_webid:
        doc["live_webid"] = customer.webid  # a unique sparse index makes R6 hold under concurrency
    return doc


def from_document(doc: dict[str, Any]) -> Customer:
    return Customer(
        customer_id=doc["_id"],
        webid=doc["webid"],
        spec=CustomerSpec.model_validate(doc["spec"]),
        status=Status(doc["status"]),
        created_at=doc["created_at"],
        reason=doc["reason"],
        violations=[Violation.model_validate(v) for v in doc["violations"]],
        awaiting_undo=list(doc["awaiting_undo"]),
        residue=dict(doc["residue"]),
        welcome_mail=doc["welcome_mail"],
        demo=doc.get("demo", False),
        pending_update=pending_from_document(doc.get("pending_update")),
        queued=[QueuedRequest(**q) for q in doc.get("queued", ())],
        undone_early=dict(doc.get("undone_early", {})),
        sold_bundles={k: bundle_from(v) for k, v in doc.get("sold_bundles", {}).items()},
        did_operations=[
            DidOperation(op["task_id"], op["kind"], Span.of(*op["range"])) for op in doc.get("did_operations", ())
        ],
        steps=list(doc["steps"]),
        tasks=TaskList(task_from_document(task) for task in doc["tasks"]),
    )


def task_to_document(task: Task) -> dict[str, Any]:
    return {**asdict(task), "violations": [v.model_dump() for v in task.violations]}


def task_from_document(doc: dict[str, Any]) -> Task:
    violations = tuple(Violation.model_validate(v) for v in doc.get("violations", ()))
    return Task(**{**doc, "status": TaskStatus(doc["status"]), "violations": violations})


def pending_to_document(pending: PendingUpdate | None) -> dict[str, Any] | None:
    if pending is None:
        return None
    return {
        "task_id": pending.task_id,
        "after": pending.after.model_dump(mode="json"),
        "billing_changes": [c.model_dump() for c in pending.billing_changes],
        "sold": {k: bundle_to_document(v) for k, v in pending.sold.items()},
        "reverted": pending.reverted,
        "failure": pending.failure,
        "violations": [v.model_dump() for v in pending.violations],
    }


def pending_from_document(doc: dict[str, Any] | None) -> PendingUpdate | None:
    if doc is None:
        return None
    return PendingUpdate(
        task_id=doc["task_id"],
        after=CustomerSpec.model_validate(doc["after"]),
        billing_changes=[BillingChange.model_validate(c) for c in doc["billing_changes"]],
        sold={k: bundle_from(v) for k, v in doc.get("sold", {}).items()},
        reverted=doc.get("reverted"),
        failure=doc["failure"],
        violations=[Violation.model_validate(v) for v in doc["violations"]],
    )


def decision(customer: Customer, emit: list[Any]) -> Decision:
    doc = to_document(customer)
    del doc["_id"]
    return Decision(changes=doc, emit=emit, unset=() if customer.status.holds_webid else ("live_webid",))


class CustomerStore:
    def __init__(self, customers: Aggregates, bundles: Any, platform_groups: Any, did_index: DidIndex) -> None:
        self.customers = customers
        self.did_index = did_index
        self.bundles = bundles
        self.platform_groups = platform_groups
        """customer-svc's own copy of the groups platform-svc announces (R1), never platform-svc's database."""

    async def create_indexes(self) -> None:
        collection = self.customers.collection
        await collection.create_index("live_webid", unique=True, sparse=True)
        await collection.create_index("webid")
        await collection.create_index("tasks.task_id")
        await collection.create_index([("status", 1), ("created_at", -1)])

    async def get(self, customer_id: str) -> Customer | None:
        doc = await self.customers.get(customer_id)
        return from_document(doc) if doc else None

    async def find(self, query: dict[str, Any], offset: int = 0, limit: int = 50) -> list[Customer]:
        cursor = self.customers.collection.find(query).sort("created_at", -1).skip(offset).limit(limit)
        return [from_document(doc) async for doc in cursor]

    async def by_task(self, task_id: str) -> Customer | None:
        doc = await self.customers.collection.find_one({"tasks.task_id": task_id})
        return from_document(doc) if doc else None

    async def live_with_webid(self, webid: str) -> Customer | None:
        """The one customer holding this WebID now (R6), whatever deleted or failed ones had it before."""
        doc = await self.customers.collection.find_one({"live_webid": webid})
        return from_document(doc) if doc else None

    async def remember_platform_group(self, group_id: str, name: str) -> None:
        await self.platform_groups.replace_one({"_id": group_id}, {"_id": group_id, "name": name}, upsert=True)

    async def forget_platform_group(self, group_id: str) -> None:
        await self.platform_groups.delete_one({"_id": group_id})

    async def platform_groups_known(self) -> dict[str, str]:
        return {doc["_id"]: doc["name"] async for doc in self.platform_groups.find({})}

    async def catalogue(self) -> dict[str, Bundle]:
        return {doc["_id"]: bundle_from(doc) async for doc in self.bundles.find({})}

    async def put_bundle(self, bundle: Bundle) -> None:
        doc = bundle_to_document(bundle)
        await self.bundles.replace_one({"_id": bundle.bundle_id}, {"_id": bundle.bundle_id, **doc}, upsert=True)


def bundle_to_document(bundle: Bundle) -> dict[str, Any]:
    return {**asdict(bundle), "phone_types": list(bundle.phone_types)}


def bundle_from(doc: dict[str, Any]) -> Bundle:
    fields = {k: v for k, v in doc.items() if k != "_id"}
    return Bundle(**{**fields, "phone_types": tuple(fields["phone_types"])})
