"""Use cases of the create saga and of the release (rollback retry, deletion): each ends in ONE write of
the assignment and the events it causes. The create also writes, before its first platform call, what
it is about to do (CONFIGURING), so nothing it does can be lost to a crash (R20, R23)."""

import logging
from typing import Any

from mmp_contracts import CloudEvent, Message, Violation
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
    Step,
    configuring_fields,
    held_steps,
    holds_platform_work,
    may_release_after_micollab_failure,
    residue,
    state_fields,
    with_planned,
)
from platform_svc.domain.configuration import (
    configuration_steps,
    key_template_copies,
    micollab_target,
    mivb_tenant_body,
)
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
        doc = await self.store.assignment(event.customer_id)
        if doc is not None and State(doc["state"]) is not State.CONFIGURING:
            return  # a redelivery whose write is done, or a repeat: the first request decided (guard)
        cause, customer_id = Cause.of(envelope), event.customer_id
        decision = await self.work.check(customer_id, event.spec)
        # A CONFIGURING document means an earlier attempt stopped half-way: all it planned may exist (R20).
        planned = held_steps(doc) if doc is not None else []
        if isinstance(decision, Rejected):
            if doc is None:  # nothing was done anywhere
                await self._fail_fresh(event, decision, cause)
            else:
                await self._fail(doc, planned, decision.reason, decision.violations, cause)
            return
        if doc is None:
            doc = await self._configuring(event, decision, cause)
        if clash := await self.work.claim(customer_id, decision):  # R11
            await self._fail(doc, planned, clash.reason, clash.violations, cause)
            return
        held, failure = await self.work.configure(customer_id, event.spec, decision)
        if failure is not None:  # R20: a failed step undoes every step that may have been done
            await self._fail(doc, with_planned(planned, held), failure, [], cause)
            return
        warnings = [decision.time_zone.warning] if decision.time_zone.warning else []
        for warning in warnings:
            log.warning("customer %s: %s", customer_id, warning)
        copies = key_template_copies(decision.key_templates)  # R15: the customer's own copy
        # What the MiVB tenant holds: an edit puts it back from here when it must (R22).
        body = mivb_tenant_body(event.spec, decision.time_zone.apply_zone, decision.key_templates)
        changes = {**state_fields(State.ASSIGNED, held), "warnings": warnings, "key_templates": copies}
        await self.writer.update(doc, changes | {"mivb_body": body}, cause, [_assigned(event, decision)])

    async def _configuring(self, event: CustomerRequested, accepted: Accepted, cause: Cause) -> dict[str, Any]:
        """Recorded before the first platform call (the SIP claim), listing every step about to be taken.
        It records no message id, so a redelivery of this message still runs and finishes or undoes it."""
        planned = [accepted.claim, *configuration_steps(event.customer_id, event.spec, accepted.group)]
        doc = {**_base(event), **configuring_fields(planned)}
        await self.store.assignments.insert(doc, Cause(correlation_id=cause.correlation_id))
        return {**doc, "version": 1}

    async def _fail_fresh(self, event: CustomerRequested, rejected: Rejected, cause: Cause) -> None:
        violations = [v.model_dump() for v in rejected.violations]
        doc = {**_base(event), **state_fields(State.FAILED, []), "reason": rejected.reason, "violations": violations}
        failed = PlatformAssignmentFailed(
            customer_id=event.customer_id, reason=rejected.reason, violations=rejected.violations
        )
        await self.store.assignments.insert(doc, cause, [failed])

    async def _fail(
        self, doc: dict[str, Any], to_undo: list[Step], failure: str, violations: list[Violation], cause: Cause
    ) -> None:
        """Undoes `to_undo` (newest first); what cannot be undone is residue (R21)."""
        customer_id = doc["_id"]
        undone = await self.work.undo(customer_id, to_undo)
        reason = _with_rollback(failure, undone.problems)
        state = State.RESIDUE if undone.held else State.FAILED
        changes = {
            **state_fields(state, undone.held),
            "reason": reason,
            "violations": [v.model_dump() for v in violations],
        }
        failed = PlatformAssignmentFailed(
            customer_id=customer_id, reason=reason, violations=violations, residue=residue(undone.held)
        )
        await self.writer.update(doc, changes, cause, [failed])

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


def _base(event: CustomerRequested) -> dict[str, Any]:
    return {
        "_id": event.customer_id,
        "platform_group_id": event.spec.platform.platform_group_id,
        "task_id": event.task_id,
    }


def _with_rollback(failure: str, problems: list[str]) -> str:
    return failure if not problems else f"{failure}; rollback incomplete: {'; '.join(problems)}"


def _assigned(event: CustomerRequested, accepted: Accepted) -> PlatformAssigned:
    target = micollab_target(accepted.group.micollab.url, accepted.micollab, accepted.mivb)
    return PlatformAssigned(
        customer_id=event.customer_id, platform_group_id=accepted.group.id, spec=event.spec, micollab=target
    )
