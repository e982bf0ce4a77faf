"""Use cases of the create saga and of the release (rollback retry, deletion): each ends in ONE write of
the assignment and the events it causes."""

import logging
from typing import Any

from mmp_contracts import CloudEvent, Message
from mmp_contracts.events import (
    CustomerRequested,
    MiCollabProvisioningFailed,
    PlatformAssigned,
    PlatformAssignmentFailed,
    PlatformReleased,
    PlatformReleaseFailed,
    ReleaseRequested,
)
from mmp_servicekit.outbox import Cause, already_applied
from platform_svc.domain.assignment import (
    State,
    held_steps,
    holds_platform_work,
    may_release_after_micollab_failure,
    residue,
    state_fields,
)
from platform_svc.domain.configuration import key_template_copies, micollab_target, mivb_tenant_body
from platform_svc.store import PlatformStore
from platform_svc.work import Accepted, PlatformWork, Rejected
from platform_svc.writes import AssignmentWriter

log = logging.getLogger(__name__)


class AssignmentHandlers:
    def __init__(self, store: PlatformStore, work: PlatformWork) -> None:
        self.store = store
        self.work = work
        self.writer = AssignmentWriter(store)

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
            doc = {**base, **state_fields(State.FAILED, []), "reason": decision.reason, "violations": violations}
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
            # What the MiVB tenant holds: an edit puts it back from here when it must (R22).
            body = mivb_tenant_body(event.spec, decision.time_zone.apply_zone, decision.key_templates)
            doc = {**base, **state_fields(State.ASSIGNED, held), "warnings": warnings, "key_templates": copies}
            doc |= {"mivb_body": body}
            await self.store.assignments.insert(doc, cause, [_assigned(event, decision)])
            return
        # R20: a failed step undoes every step already done; what cannot be undone is residue (R21).
        undone = await self.work.undo(customer_id, held)
        reason = _with_rollback(failure, undone.problems)
        doc = {**base, **state_fields(State.RESIDUE if undone.held else State.FAILED, undone.held), "reason": reason}
        failed = PlatformAssignmentFailed(customer_id=customer_id, reason=reason, residue=residue(undone.held))
        await self.store.assignments.insert(doc, cause, [failed])

    async def micollab_provisioning_failed(self, event: MiCollabProvisioningFailed, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        doc = await self.store.assignment(event.customer_id)
        if doc is None or already_applied(doc, cause) or not may_release_after_micollab_failure(State(doc["state"])):
            return  # late, duplicate or not ours to undo: never move the assignment backwards
        await self._release(doc, cause)

    async def release_requested(self, event: ReleaseRequested, envelope: CloudEvent) -> None:
        """A rollback retry (R21) or a deletion (R23): everything held goes, or what stays is residue,
        and the assignment stays RESIDUE so that the next request tries again."""
        cause = Cause.of(envelope)
        doc = await self.store.assignment(event.customer_id)
        released = PlatformReleased(customer_id=event.customer_id)
        if already_applied(doc, cause):
            return
        if doc is not None and holds_platform_work(State(doc["state"])):
            await self._release(doc, cause)
        else:  # nothing held (never, or no more): the customer's saga can conclude
            await self.writer.answer(event.customer_id, event.task_id, doc, {}, cause, [released])

    async def _release(self, doc: dict[str, Any], cause: Cause) -> None:
        customer_id = doc["_id"]
        undone = await self.work.undo(customer_id, held_steps(doc))
        if undone.held:
            reason = "rollback incomplete: " + "; ".join(undone.problems)
            changes: dict[str, Any] = {**state_fields(State.RESIDUE, undone.held), "reason": reason}
            emit: Message = PlatformReleaseFailed(customer_id=customer_id, reason=reason, residue=residue(undone.held))
        else:
            changes, emit = state_fields(State.RELEASED, []), PlatformReleased(customer_id=customer_id)
        await self.writer.update(doc, changes, cause, [emit])


def _with_rollback(failure: str, problems: list[str]) -> str:
    return failure if not problems else f"{failure}; rollback incomplete: {'; '.join(problems)}"


def _assigned(event: CustomerRequested, accepted: Accepted) -> PlatformAssigned:
    target = micollab_target(accepted.group.micollab.url, accepted.micollab, accepted.mivb)
    return PlatformAssigned(
        customer_id=event.customer_id, platform_group_id=accepted.group.id, spec=event.spec, micollab=target
    )
