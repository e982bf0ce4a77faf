"""DID ranges added to and removed from a customer in place (R12), on its group's MiVB.

customer-svc checks the overlaps across the group; the MiVB refuses a range another tenant holds.
Each task is decided once (its record in the assignment), and the held ranges follow the MiVB's.
"""

from typing import Any

from mmp_contracts import CloudEvent, Message
from mmp_contracts import events as ev
from mmp_servicekit.outbox import Cause, already_applied
from platform_svc.domain.assignment import Kind, State, Step, held_steps, state_fields
from platform_svc.domain.dids import did_target, range_text, with_range, without_range
from platform_svc.domain.tasks import Outcome, TaskKind, find_task, task_record, with_task
from platform_svc.platforms import PlatformCallFailed, Platforms
from platform_svc.store import PlatformStore
from platform_svc.writes import AssignmentWriter

Request = ev.DidRangeAdditionRequested | ev.DidRangeRemovalRequested


class DidRangeHandlers:
    def __init__(self, store: PlatformStore, platforms: Platforms, writer: AssignmentWriter) -> None:
        self.store = store
        self.platforms = platforms
        self.writer = writer

    async def addition_requested(self, event: ev.DidRangeAdditionRequested, envelope: CloudEvent) -> None:
        cause, customer_id, text = Cause.of(envelope), event.customer_id, range_text(event.did_range)
        doc = await self.store.assignment(customer_id)
        if already_applied(doc, cause) or find_task(doc, event.task_id):
            return  # decided once: a repeat neither calls the MiVB nor answers again
        target = did_target(customer_id, doc, event.platform_group_id)
        if doc is None or isinstance(target, str):
            await self._answer(event, doc, cause, Outcome.FAILED, {}, _provisioning_failed(event, str(target)))
            return
        added = Step(Kind.MIVB_DIDS, target.url, text)
        try:
            await self.platforms.put_mivb_dids(target.url, customer_id, text)
        except PlatformCallFailed as failure:
            reason, may_remain = await self._remove_again(target.url, customer_id, text, failure)
            # What could not be removed again stays recorded, so the customer's release removes it.
            held = with_range(held_steps(doc), added) if may_remain else held_steps(doc)
            changes = state_fields(State.ASSIGNED, held)
            await self._answer(event, doc, cause, Outcome.FAILED, changes, _provisioning_failed(event, reason))
            return
        changes = state_fields(State.ASSIGNED, with_range(held_steps(doc), added))
        provisioned = ev.DidRangeProvisioned(customer_id=customer_id, task_id=event.task_id, did_range=event.did_range)
        await self._answer(event, doc, cause, Outcome.DONE, changes, provisioned)

    async def removal_requested(self, event: ev.DidRangeRemovalRequested, envelope: CloudEvent) -> None:
        cause, customer_id, text = Cause.of(envelope), event.customer_id, range_text(event.did_range)
        doc = await self.store.assignment(customer_id)
        if already_applied(doc, cause) or find_task(doc, event.task_id):
            return
        target = did_target(customer_id, doc, event.platform_group_id)
        if doc is None or isinstance(target, str):
            await self._answer(event, doc, cause, Outcome.FAILED, {}, _release_failed(event, str(target)))
            return
        try:
            await self.platforms.delete_mivb_dids(target.url, customer_id, text)  # the MiVB splits its ranges
        except PlatformCallFailed as failure:
            await self._answer(event, doc, cause, Outcome.FAILED, {}, _release_failed(event, failure.reason))
            return
        changes = state_fields(State.ASSIGNED, without_range(held_steps(doc), target.url, text))
        released = ev.DidRangeReleased(customer_id=customer_id, task_id=event.task_id, did_range=event.did_range)
        await self._answer(event, doc, cause, Outcome.DONE, changes, released)

    async def _remove_again(
        self, url: str, customer_id: str, text: str, failure: PlatformCallFailed
    ) -> tuple[str, bool]:
        """After a failed add nothing of the range may stay (a DELETE tolerant of its absence).
        Returns the reason and whether the range may still be on the MiVB."""
        try:
            await self.platforms.delete_mivb_dids(url, customer_id, text)
        except PlatformCallFailed as cleanup:
            return f"{failure.reason}; removing it again failed: {cleanup.reason}", failure.maybe_applied
        return failure.reason, False

    async def _answer(
        self,
        event: Request,
        doc: dict[str, Any] | None,
        cause: Cause,
        outcome: Outcome,
        changes: dict[str, Any],
        emit: Message,
    ) -> None:
        kind = TaskKind.DID_ADDITION if isinstance(event, ev.DidRangeAdditionRequested) else TaskKind.DID_REMOVAL
        record = task_record(event.task_id, kind, outcome, did_range=range_text(event.did_range))
        changes = {**changes, **with_task(doc, record)}
        await self.writer.answer(event.customer_id, event.task_id, doc, changes, cause, [emit])


def _provisioning_failed(event: ev.DidRangeAdditionRequested, reason: str) -> Message:
    return ev.DidRangeProvisioningFailed(
        customer_id=event.customer_id, task_id=event.task_id, did_range=event.did_range, reason=reason
    )


def _release_failed(event: ev.DidRangeRemovalRequested, reason: str) -> Message:
    return ev.DidRangeReleaseFailed(
        customer_id=event.customer_id, task_id=event.task_id, did_range=event.did_range, reason=reason
    )
