"""The only module of provisioning that knows its documents.

- `assignments`: one per customer (`_id` the customer id). `pins_group` (indexed, not unique) holds the group
  id while the customer's platform work there is being made, in place or left behind (CONFIGURING, ASSIGNED,
  RESIDUE), None otherwise: the one lookup a group deletion needs. `residue` and `key_templates` are written
  for readers of the document; the aggregate derives them.
- `sip_usernames`: a plain collection of claims `<mbg id>:<username>` -> customer id; the unique `_id` makes
  R11 race-free.
"""

import hashlib
from collections.abc import Sequence
from typing import Any

from mmp_contracts import Violation
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.repository import Repository
from mmp_servicekit.store import Collection, Document, DuplicateKey, Index
from mmp_servicekit.store.guarded import ConcurrentWrites
from platform_svc.provisioning.domain.assignment import Assignment, State
from platform_svc.provisioning.domain.steps import Step, StepKind
from platform_svc.provisioning.domain.tasks import AppliedEdit, TaskOutcome, TaskRecord
from platform_svc.provisioning.domain.tenant import MivbTenant


class AssignmentMapper:
    indexes: Sequence[Index] = (Index.on("pins_group"),)

    def to_document(self, assignment: Assignment) -> Document:
        return {
            "_id": assignment.customer_id,
            "task_id": assignment.task_id,
            "platform_group_id": assignment.platform_group_id,
            "state": assignment.state.value,
            "pins_group": assignment.pins_group,
            "held": [_step_document(step) for step in assignment.held],
            "residue": assignment.residue,
            "reason": assignment.reason,
            "violations": [violation.model_dump(mode="json") for violation in assignment.violations],
            "warnings": list(assignment.warnings),
            "key_templates": [copy.model_dump(mode="json") for copy in assignment.key_templates],
            "mivb_body": assignment.tenant.model_dump(mode="json") if assignment.tenant else None,
            "tasks": [_task_document(task) for task in assignment.tasks],
        }

    def from_document(self, doc: Document) -> Assignment:
        body = doc.get("mivb_body")
        return Assignment(
            customer_id=doc["_id"],
            task_id=doc["task_id"],
            platform_group_id=doc.get("platform_group_id"),
            state=State(doc["state"]),
            held=[_step_of(step) for step in doc.get("held", [])],
            reason=doc.get("reason"),
            violations=[Violation.model_validate(violation) for violation in doc.get("violations", [])],
            warnings=list(doc.get("warnings", [])),
            tenant=MivbTenant.model_validate(body) if body else None,
            tasks=[_task_of(task) for task in doc.get("tasks", [])],
        )


def _step_document(step: Step) -> Document:
    return {"kind": step.kind.value, "url": step.url, "target": step.target}


def _step_of(doc: dict[str, Any]) -> Step:
    return Step(StepKind(doc["kind"]), doc["url"], doc["target"])


def _task_document(task: TaskRecord) -> Document:
    doc: Document = {"task_id": task.task_id, "kind": task.kind.value, "outcome": task.outcome.value}
    if task.did_range is not None:
        doc["did_range"] = task.did_range
    if task.reason is not None:
        doc["reason"] = task.reason
    if task.applied is not None:
        doc["mivb_url"] = task.applied.mivb_url
        doc["body"] = task.applied.body.model_dump(mode="json")
        doc["previous"] = task.applied.previous.model_dump(mode="json")
    return doc


def _task_of(doc: dict[str, Any]) -> TaskRecord:
    applied = None
    if "mivb_url" in doc:
        body, previous = MivbTenant.model_validate(doc["body"]), MivbTenant.model_validate(doc["previous"])
        applied = AppliedEdit(doc["mivb_url"], body, previous)
    return TaskRecord(
        task_id=doc["task_id"],
        kind=TaskKind(doc["kind"]),
        outcome=TaskOutcome(doc["outcome"]),
        did_range=doc.get("did_range"),
        reason=doc.get("reason"),
        applied=applied,
    )


class PinnedGroups:
    """Answers platform management's question before it deletes a group."""

    def __init__(self, assignments: Repository[Assignment]) -> None:
        self.assignments = assignments

    async def pinned(self, group_id: str) -> bool:
        return await self.assignments.collection.count({"pins_group": group_id}) > 0


class SipClaims:
    """R11: a SIP username is claimed on its MBG by one customer at a time."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection

    async def claim(self, claim: Step, customer_id: str) -> str:
        """Claims the username on its MBG for this customer; returns the customer that holds it now."""
        claim_id = _claim_id(claim)
        try:
            await self.collection.insert(
                {
                    "_id": claim_id,
                    "customer_id": customer_id,
                    "mbg_id": claim.url,
                    "username": claim.target,
                    "version": _owner_tag(customer_id),
                }
            )
            return customer_id
        except DuplicateKey:
            held = await self.collection.get(claim_id)
        if held is None:  # released in between: the message is tried again, and claims it then
            raise ConcurrentWrites(f"sip_usernames/{claim_id} was released while it was claimed")
        return str(held["customer_id"])

    async def release(self, claim: Step, customer_id: str) -> None:
        """Only our own claim: a redelivered release must never free another customer's name."""
        await self.collection.delete(_claim_id(claim), version=_owner_tag(customer_id))


def _claim_id(claim: Step) -> str:
    return f"{claim.url}:{claim.target}"


def _owner_tag(customer_id: str) -> int:
    """A claim's `version` names its owner, so a delete guarded by it removes only that customer's claim,
    in one write (a claim is never changed, only made and removed)."""
    return int.from_bytes(hashlib.sha256(customer_id.encode()).digest()[:6], "big")
