"""Use cases of the create saga: each ends in ONE write of the assignment and the events it causes."""

import logging
from typing import Any

from mmp_contracts import CloudEvent, Message
from mmp_contracts.events import (
    CustomerRequested,
    MiCollabProvisioningFailed,
    MiCollabTarget,
    PlatformAssigned,
    PlatformAssignmentFailed,
    PlatformReleased,
    PlatformReleaseFailed,
    RollbackRetryRequested,
)
from mmp_servicekit.outbox import Cause, ConcurrentWrites, already_applied
from platform_svc.domain.assignment import (
    State,
    Step,
    holds_platform_work,
    may_release_after_micollab_failure,
    residue,
)
from platform_svc.domain.configuration import key_template_copies
from platform_svc.store import PlatformStore
from platform_svc.work import Accepted, PlatformWork, Rejected

log = logging.getLogger(__name__)


class AssignmentHandlers:
    def __init__(self, store: PlatformStore, work: PlatformWork) -> None:
        self.store = store
        self.work = work

    async def customer_requested(self, event: CustomerRequested, envelope: CloudEvent) -> None:
        if await self.store.assignment(event.customer_id) is not None:
            return  # a redelivery whose write is done, or a repeat: the first request decided (guard)
        cause, customer_id = Cause.of(envelope), event.customer_id
        base = {
            "_id": customer_id,
            "platform_group_id": event.spec.platform.platform_group_id,
            "task_id": event.task_id,
        }
        decision = await self.work.check(customer_id, event.spec)
        if isinstance(decision, Rejected):  # nothing was done anywhere
            violations = [v.model_dump() for v in decision.violations]
            doc = {**base, **_state(State.FAILED, []), "reason": decision.reason, "violations": violations}
            failed = PlatformAssignmentFailed(
                customer_id=customer_id, reason=decision.reason, violations=decision.violations
            )
            await self.store.assignments.insert(doc, cause, [failed])
            return
        held, failure = await self.work.configure(customer_id, event.spec, decision)
        if failure is None:
            warnings = [decision.time_zone.warning] if decision.time_zone.warning else []
            for warning in warnings:
                log.warning("customer %s: %s", customer_id, warning)
            copies = key_template_copies(decision.key_templates)  # R15: the customer's own copy
            doc = {**base, **_state(State.ASSIGNED, held), "warnings": warnings, "key_templates": copies}
            await self.store.assignments.insert(doc, cause, [_assigned(event, decision)])
            return
        # R20: a failed step undoes every step already done; what cannot be undone is residue (R21).
        undone = await self.work.undo(customer_id, held)
        reason = _with_rollback(failure, undone.problems)
        doc = {**base, **_state(State.RESIDUE if undone.held else State.FAILED, undone.held), "reason": reason}
        failed = PlatformAssignmentFailed(customer_id=customer_id, reason=reason, residue=residue(undone.held))
        await self.store.assignments.insert(doc, cause, [failed])

    async def micollab_provisioning_failed(self, event: MiCollabProvisioningFailed, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        doc = await self.store.assignment(event.customer_id)
        if doc is None or already_applied(doc, cause) or not may_release_after_micollab_failure(State(doc["state"])):
            return  # late, duplicate or not ours to undo: never move the assignment backwards
        await self._release(doc, cause)

    async def rollback_retry_requested(self, event: RollbackRetryRequested, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        doc = await self.store.assignment(event.customer_id)
        released = PlatformReleased(customer_id=event.customer_id)
        if doc is None:
            # Nothing was ever held here; the document is created to carry the answer's outbox.
            base = {"_id": event.customer_id, "platform_group_id": None, "task_id": event.task_id}
            await self.store.assignments.insert({**base, **_state(State.RELEASED, [])}, cause, [released])
        elif already_applied(doc, cause):
            return
        elif holds_platform_work(State(doc["state"])):
            await self._release(doc, cause)  # R21: the SP retries the rollback
        else:
            await self._write(doc, {}, cause, [released])  # nothing held: the customer saga can conclude

    async def _release(self, doc: dict[str, Any], cause: Cause) -> None:
        customer_id = doc["_id"]
        undone = await self.work.undo(customer_id, [Step.from_doc(step) for step in doc["held"]])
        if undone.held:
            reason = "rollback incomplete: " + "; ".join(undone.problems)
            changes: dict[str, Any] = {**_state(State.RESIDUE, undone.held), "reason": reason}
            emit: Message = PlatformReleaseFailed(customer_id=customer_id, reason=reason, residue=residue(undone.held))
        else:
            changes, emit = _state(State.RELEASED, []), PlatformReleased(customer_id=customer_id)
        await self._write(doc, changes, cause, [emit])

    async def _write(self, doc: dict[str, Any], changes: dict[str, Any], cause: Cause, emit: list[Message]) -> None:
        if not await self.store.assignments.update(doc["_id"], doc["version"], changes, cause, emit):
            # The router retries the message: it reloads and decides again; the undo calls are idempotent.
            raise ConcurrentWrites(f"assignment {doc['_id']} changed while it was being released")


def _state(state: State, held: list[Step]) -> dict[str, Any]:
    return {"state": state.value, "held": [step.to_doc() for step in held], "residue": residue(held)}


def _with_rollback(failure: str, problems: list[str]) -> str:
    return failure if not problems else f"{failure}; rollback incomplete: {'; '.join(problems)}"


def _assigned(event: CustomerRequested, accepted: Accepted) -> PlatformAssigned:
    # The versions the platforms report now, fresher than the copy taken when the group was registered.
    target = MiCollabTarget(
        url=accepted.group.micollab.url,
        version=accepted.micollab.version,
        rest_api_scripts=bool(accepted.micollab.rest_api_scripts),
        mivb_version=accepted.mivb.version,
    )
    return PlatformAssigned(
        customer_id=event.customer_id, platform_group_id=accepted.group.id, spec=event.spec, micollab=target
    )
