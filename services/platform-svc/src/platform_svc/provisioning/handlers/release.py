"""The release: a rollback after MiCollab failed, a rollback retry (R21) and a deletion (R23) undo everything
held, newest first; what cannot be undone stays RESIDUE so that the next request tries again."""

from collections.abc import Sequence

from mmp_contracts import CloudEvent
from mmp_contracts.events import MiCollabProvisioningFailed, ReleaseRequested
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from platform_svc.provisioning.domain.assignment import Assignment
from platform_svc.provisioning.domain.steps import Step
from platform_svc.provisioning.handlers.answers import answer
from platform_svc.provisioning.handlers.steps import StepCalls


class ReleaseHandlers:
    def __init__(self, assignments: Repository[Assignment], calls: StepCalls) -> None:
        self.assignments = assignments
        self.calls = calls

    async def micollab_provisioning_failed(self, event: MiCollabProvisioningFailed, envelope: CloudEvent) -> None:
        assignment = await self.assignments.get(event.customer_id)
        held = assignment.to_release_after_micollab_failure() if assignment is not None else None
        if held is None:
            return  # late, duplicate or not ours to undo: never move the assignment backwards
        await self._release(event.customer_id, held, Cause.of(envelope))

    async def release_requested(self, event: ReleaseRequested, envelope: CloudEvent) -> None:
        """RollbackRetryRequested and CustomerDeletionRequested alike. Nothing held (never, or no more): the
        customer's saga can conclude at once."""
        cause = Cause.of(envelope)
        if await self.assignments.applied(event.customer_id, cause):
            return
        assignment = await self.assignments.get(event.customer_id)
        undo = await self.calls.undo(event.customer_id, assignment.to_release() if assignment is not None else [])
        await answer(self.assignments, event.customer_id, event.task_id, cause, lambda a: a.released(undo))

    async def _release(self, customer_id: str, held: Sequence[Step], cause: Cause) -> None:
        undo = await self.calls.undo(customer_id, held)
        await self.assignments.change(customer_id, cause, lambda a: a.released(undo))
