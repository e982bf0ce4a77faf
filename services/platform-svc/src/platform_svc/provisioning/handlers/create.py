"""The create (R20): the checks on the live platforms, CONFIGURING recorded before the first platform call,
the SIP username claim (R11), the MiVB and the MBG configured in order, and on any failure the undo of every
step that may have been done."""

import logging
from collections.abc import Sequence

from mmp_contracts import CloudEvent, Violation
from mmp_contracts.events import CustomerRequested
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from platform_svc.management.domain.refusals import Refusal
from platform_svc.provisioning.adapters.store import SipClaims
from platform_svc.provisioning.domain.assignment import Assignment
from platform_svc.provisioning.domain.steps import Progress
from platform_svc.provisioning.handlers.live import LiveChecks
from platform_svc.provisioning.handlers.steps import StepCalls

log = logging.getLogger(__name__)


class CreateHandlers:
    def __init__(
        self, assignments: Repository[Assignment], live: LiveChecks, claims: SipClaims, calls: StepCalls
    ) -> None:
        self.assignments = assignments
        self.live = live
        self.claims = claims
        self.calls = calls

    async def customer_requested(self, event: CustomerRequested, envelope: CloudEvent) -> None:
        cause, customer_id = Cause.of(envelope), event.customer_id
        earlier = await self.assignments.get(customer_id)
        progress = earlier.resume() if earlier is not None else Progress()
        if progress is None:
            return  # a redelivery whose write is done, or a repeat: the first request decided
        try:
            placement = await self.live.placement(customer_id, event.task_id, event.spec)
        except Refusal as refusal:
            if earlier is not None:
                await self._failed(customer_id, progress, refusal.reason, refusal.violations, cause)
                return
            group_id = event.spec.platform.platform_group_id
            refused, events = Assignment.refused(customer_id, event.task_id, group_id, refusal)
            await self.assignments.create(refused, cause, events)  # nothing was done anywhere
            return
        # Without the message id, so that this message redelivered still finishes the create or undoes it.
        configuring = Cause(correlation_id=cause.correlation_id)
        if earlier is None and not await self.assignments.create(Assignment.configuring(placement), configuring):
            return  # another delivery of this request wrote it first and carries on
        try:
            placement.check_claim(await self.claims.claim(placement.claim, customer_id))
        except Refusal as clash:
            await self._failed(customer_id, progress, clash.reason, clash.violations, cause)
            return
        progress.done(placement.claim)
        await self.calls.configure(placement, progress)
        if progress.failure is not None:
            await self._failed(customer_id, progress, progress.failure, [], cause)
            return
        for warning in placement.warnings:
            log.warning("customer %s: %s", customer_id, warning)
        await self.assignments.change(customer_id, cause, lambda a: a.assigned(placement, progress.held))

    async def _failed(
        self, customer_id: str, progress: Progress, reason: str, violations: Sequence[Violation], cause: Cause
    ) -> None:
        undo = await self.calls.undo(customer_id, progress.to_undo())
        await self.assignments.change(customer_id, cause, lambda a: a.creation_failed(reason, violations, undo))
