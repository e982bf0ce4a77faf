"""The assignment of one customer to its platforms: the aggregate of provisioning.

Its methods decide the next state, record the steps held and the tasks answered, choose RESIDUE or FAILED,
write the reasons, and return the events to publish (None: the message does not apply to it as it stands).
The handlers load it, do the platform calls it asks for, and save what it decided.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import CustomerSpec, DidRange
from mmp_contracts.tasks import TaskKind
from platform_svc.management.domain.key_templates import KeyTemplate
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.provisioning.domain.edit import EditPlan, Revert, plan_edit, revert_after_micollab_failure
from platform_svc.provisioning.domain.key_templates import templates_to_copy
from platform_svc.provisioning.domain.placement import Placement
from platform_svc.provisioning.domain.rules import Reached
from platform_svc.provisioning.domain.steps import Progress, Step, StepKind, Undo, residue, with_range, without_range
from platform_svc.provisioning.domain.tasks import AppliedEdit, TaskOutcome, TaskRecord, with_task
from platform_svc.provisioning.domain.tenant import MivbTenant


class State(StrEnum):
    CONFIGURING = "CONFIGURING"  # the create is calling the platforms: `held` lists every step it plans
    ASSIGNED = "ASSIGNED"
    FAILED = "FAILED"  # the create failed and nothing is held
    RELEASED = "RELEASED"  # undone after the create (or never placed), nothing is held
    RESIDUE = "RESIDUE"  # an undo failed: `held` lists what is left where (R21)


HOLDING = (State.CONFIGURING, State.ASSIGNED, State.RESIDUE)
"""What may hold platform work: a release undoes it, and it keeps its group from being deleted."""


@dataclass
class Assignment:
    customer_id: str
    task_id: str
    """The create's task, or the first request's for a customer never placed here."""
    platform_group_id: str | None = None
    """None for a customer never placed here: its record only carries answers."""
    state: State = State.RELEASED
    held: list[Step] = field(default_factory=list)
    """In creation order; while CONFIGURING, every step the create plans."""
    reason: str | None = None
    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tenant: MivbTenant | None = None
    """The MiVB tenant as last sent: what an edit puts back when it must (R22)."""
    tasks: list[TaskRecord] = field(default_factory=list)

    @classmethod
    def configuring(cls, placement: Placement) -> "Assignment":
        """Written before the first platform call (the SIP claim) with every step about to be taken, so a
        crash or a dead-lettered message leaves a record of what may exist (R20, R23)."""
        return cls(placement.customer_id, placement.task_id, placement.group_id, State.CONFIGURING, placement.planned)

    @classmethod
    def refused(
        cls, customer_id: str, task_id: str, group_id: str, refusal: Refusal
    ) -> tuple["Assignment", list[Message]]:
        """A create its checks refused before anything was done anywhere."""
        refused = cls(
            customer_id, task_id, group_id, State.FAILED, reason=refusal.reason, violations=refusal.violations
        )
        return refused, [refused._assignment_failed()]

    @classmethod
    def holding_nothing(cls, customer_id: str, task_id: str) -> "Assignment":
        """For a customer never placed here: it carries the answer to a request about it."""
        return cls(customer_id, task_id)

    @property
    def residue(self) -> list[str]:
        """What is left where after a failed undo (R21)."""
        return residue(self.held) if self.state is State.RESIDUE else []

    @property
    def pins_group(self) -> str | None:
        """The group this customer keeps from being deleted: while its work there is being made, is in place,
        or is left there."""
        return self.platform_group_id if self.state in HOLDING else None

    @property
    def key_templates(self) -> list[KeyTemplate]:
        """The customer's own copies (R15): those its MiVB tenant holds."""
        return self.tenant.key_templates if self.tenant else []

    # The create (R20)

    def resume(self) -> Progress | None:
        """A create stopped half-way (CONFIGURING) goes on, remembering that all it planned may exist; None
        when the first request decided already (a redelivery, or a repeat)."""
        return Progress(self.held) if self.state is State.CONFIGURING else None

    def assigned(self, placement: Placement, held: Sequence[Step]) -> list[Message] | None:
        if self.state is not State.CONFIGURING:
            return None
        self.state, self.held = State.ASSIGNED, list(held)
        self.warnings = list(placement.warnings)
        self.tenant = placement.tenant
        assigned = ev.PlatformAssigned(
            customer_id=self.customer_id,
            platform_group_id=placement.group_id,
            spec=placement.spec,
            micollab=placement.micollab,
        )
        return [assigned]

    def creation_failed(self, reason: str, violations: Sequence[Violation], undo: Undo) -> list[Message] | None:
        """R20: a failed create undid every step that may have been done; what could not be is residue (R21)."""
        if self.state is not State.CONFIGURING:
            return None
        self.held = undo.left
        self.state = State.RESIDUE if self.held else State.FAILED
        self.reason = _with_rollback(reason, undo.problems)
        self.violations = list(violations)
        return [self._assignment_failed()]

    # The release: a rollback after MiCollab failed, a rollback retry (R21), a deletion (R23)

    def to_release(self) -> list[Step]:
        """Everything held; for a create stopped half-way, everything it planned."""
        return list(self.held) if self.state in HOLDING else []

    def to_release_after_micollab_failure(self) -> list[Step] | None:
        """Only an assignment in place, or whose create stopped half-way, is undone; a late or repeated
        failure changes nothing (None)."""
        return list(self.held) if self.state in (State.ASSIGNED, State.CONFIGURING) else None

    def released(self, undo: Undo) -> list[Message]:
        """Everything held is gone, or what stays is residue and the assignment RESIDUE, so the next request
        tries again. Nothing held (never, or no more): released at once."""
        if self.state not in HOLDING:
            return [ev.PlatformReleased(customer_id=self.customer_id)]
        self.held = undo.left
        if not self.held:
            self.state = State.RELEASED
            return [ev.PlatformReleased(customer_id=self.customer_id)]
        self.state = State.RESIDUE
        self.reason = "rollback incomplete: " + "; ".join(undo.problems)
        return [ev.PlatformReleaseFailed(customer_id=self.customer_id, reason=self.reason, residue=self.residue)]

    # Tasks: edits (R22) and DID ranges (R12), each decided once

    def task(self, task_id: str) -> TaskRecord | None:
        return next((task for task in self.tasks if task.task_id == task_id), None)

    def has_task(self, task_id: str) -> bool:
        return self.task(task_id) is not None

    def in_place_group(self) -> str:
        """Edits (R22) and DID range changes (R12) apply only to a customer whose platform work is in place:
        its group."""
        if self.platform_group_id is None:
            raise Refusal(RefusalKind.CONFLICT, reason=f"customer {self.customer_id} has no platform assignment")
        if self.state is not State.ASSIGNED:
            message = f"customer {self.customer_id} is not in place on its platforms ({self.state.value})"
            raise Refusal(RefusalKind.CONFLICT, reason=message)
        return self.platform_group_id

    def templates_to_copy(self, after: CustomerSpec) -> list[str]:
        return templates_to_copy(after, {copy.id: copy for copy in self.key_templates})

    def plan_edit(
        self, before: CustomerSpec, after: CustomerSpec, reached: Reached, catalogue: Mapping[str, KeyTemplate]
    ) -> EditPlan:
        """The edit's MiVB side, checked on the live platforms (R9, R14, R15)."""
        self.in_place_group()
        tenant, previous = self._tenant()
        return plan_edit(tenant.url, previous, before, after, reached, catalogue)

    def edit_refused(self, task_id: str, refusal: Refusal) -> list[Message] | None:
        return self._edit_failed(task_id, refusal.reason, refusal.violations)

    def edit_done(
        self, task_id: str, before: CustomerSpec, after: CustomerSpec, plan: EditPlan
    ) -> list[Message] | None:
        """The MiVB carries `after`, or had nothing to change."""
        if self.has_task(task_id):
            return None
        if plan.changes:
            applied = AppliedEdit(plan.mivb_url, plan.tenant, plan.previous)
            self._record(TaskRecord(task_id, TaskKind.UPDATE, TaskOutcome.APPLIED, applied=applied))
            self.tenant = plan.tenant
        else:
            self._record(TaskRecord(task_id, TaskKind.UPDATE, TaskOutcome.UNCHANGED))
        updated = ev.PlatformUpdated(
            customer_id=self.customer_id, task_id=task_id, before=before, after=after, micollab=plan.micollab
        )
        return [updated]

    def edit_failed(self, task_id: str, failure: str, put_back_failure: str | None) -> list[Message] | None:
        """The MiVB call failed; the previous tenant was put back (PUT by id of the whole tenant: safe even if
        nothing changed), or that failed too and the reason says so."""
        if put_back_failure is not None:
            failure += f"; the tenant may hold part of the edit, putting it back failed: {put_back_failure}"
        return self._edit_failed(task_id, failure, [])

    def revert_for(self, task_id: str) -> Revert:
        """What MiCollab failing the edit asks of the MiVB (R22)."""
        return revert_after_micollab_failure(self.task(task_id), self.state is State.ASSIGNED)

    def applied_edit(self, task_id: str) -> AppliedEdit | None:
        record = self.task(task_id)
        return record.applied if record and self.revert_for(task_id) is Revert.PUT_BACK else None

    def edit_reverted(self, task_id: str, put_back: AppliedEdit | None) -> list[Message] | None:
        """The MiVB is as before the edit: put back, or never changed."""
        record = self.task(task_id)
        if self.revert_for(task_id) is Revert.DECIDED:
            return None
        if put_back is not None:
            self.tenant = put_back.previous
        reverted = TaskRecord(task_id, TaskKind.UPDATE, TaskOutcome.REVERTED)
        self._record(replace(record, outcome=TaskOutcome.REVERTED) if record else reverted)
        return [ev.PlatformUpdateReverted(customer_id=self.customer_id, task_id=task_id)]

    def edit_revert_failed(self, task_id: str, put_back: AppliedEdit, reason: str) -> list[Message] | None:
        record = self.task(task_id)
        if record is None or self.revert_for(task_id) is Revert.DECIDED:
            return None
        self._record(replace(record, outcome=TaskOutcome.REVERT_FAILED))
        residue = [f"MiVB tenant {self.customer_id} at {put_back.mivb_url} holds the edit of task {task_id}"]
        failed = ev.PlatformUpdateRevertFailed(
            customer_id=self.customer_id, task_id=task_id, reason=reason, residue=residue
        )
        return [failed]

    def dids_tenant(self, group_id: str) -> Step:
        """The MiVB tenant whose DIDs change (R12): only on a customer in place on that group."""
        if (placed_on := self.in_place_group()) != group_id:
            message = f"customer {self.customer_id} is on platform group {placed_on!r}, not {group_id!r}"
            raise Refusal(RefusalKind.CONFLICT, reason=message)
        return self._tenant()[0]

    def dids_added(self, task_id: str, did_range: DidRange, tenant: Step) -> list[Message] | None:
        if self.has_task(task_id):
            return None
        self.held = with_range(self.held, Step(StepKind.MIVB_DIDS, tenant.url, did_range.text()))
        self._record(TaskRecord(task_id, TaskKind.ADD_DID_RANGE, TaskOutcome.DONE, did_range=did_range.text()))
        return [ev.DidRangeProvisioned(customer_id=self.customer_id, task_id=task_id, did_range=did_range)]

    def did_addition_failed(
        self,
        task_id: str,
        did_range: DidRange,
        failure: str,
        added_to: Step | None = None,
        maybe_applied: bool = False,
        cleanup_failure: str | None = None,
    ) -> list[Message] | None:
        """Nothing of the range may stay: it was removed again after the failed add. What could not be removed
        stays held, so the customer's release removes it."""
        if self.has_task(task_id):
            return None
        if cleanup_failure is not None:
            failure += f"; removing it again failed: {cleanup_failure}"
            if added_to is not None and maybe_applied:
                self.held = with_range(self.held, Step(StepKind.MIVB_DIDS, added_to.url, did_range.text()))
        record = TaskRecord(task_id, TaskKind.ADD_DID_RANGE, TaskOutcome.FAILED, did_range=did_range.text())
        self._record(replace(record, reason=failure))
        failed = ev.DidRangeProvisioningFailed(
            customer_id=self.customer_id, task_id=task_id, did_range=did_range, reason=failure
        )
        return [failed]

    def dids_removed(self, task_id: str, did_range: DidRange, tenant: Step) -> list[Message] | None:
        if self.has_task(task_id):
            return None
        self.held = without_range(self.held, tenant.url, did_range)
        self._record(TaskRecord(task_id, TaskKind.REMOVE_DID_RANGE, TaskOutcome.DONE, did_range=did_range.text()))
        return [ev.DidRangeReleased(customer_id=self.customer_id, task_id=task_id, did_range=did_range)]

    def did_removal_failed(self, task_id: str, did_range: DidRange, failure: str) -> list[Message] | None:
        """The held ranges stay as they were."""
        if self.has_task(task_id):
            return None
        record = TaskRecord(task_id, TaskKind.REMOVE_DID_RANGE, TaskOutcome.FAILED, did_range=did_range.text())
        self._record(replace(record, reason=failure))
        failed = ev.DidRangeReleaseFailed(
            customer_id=self.customer_id, task_id=task_id, did_range=did_range, reason=failure
        )
        return [failed]

    def _tenant(self) -> tuple[Step, MivbTenant]:
        """Its MiVB tenant: where it is, and what it holds."""
        step = next((step for step in self.held if step.kind is StepKind.MIVB_TENANT), None)
        if step is None or self.tenant is None:
            raise Refusal(RefusalKind.CONFLICT, reason=f"customer {self.customer_id} holds no MiVB tenant")
        return step, self.tenant

    def _edit_failed(self, task_id: str, reason: str, violations: Sequence[Violation]) -> list[Message] | None:
        if self.has_task(task_id):
            return None
        self._record(TaskRecord(task_id, TaskKind.UPDATE, TaskOutcome.FAILED, reason=reason))
        failed = ev.PlatformUpdateFailed(
            customer_id=self.customer_id, task_id=task_id, reason=reason, violations=list(violations)
        )
        return [failed]

    def _record(self, record: TaskRecord) -> None:
        self.tasks = with_task(self.tasks, record)

    def _assignment_failed(self) -> ev.PlatformAssignmentFailed:
        return ev.PlatformAssignmentFailed(
            customer_id=self.customer_id, reason=self.reason or "", violations=self.violations, residue=self.residue
        )


def _with_rollback(failure: str, problems: Sequence[str]) -> str:
    return failure if not problems else f"{failure}; rollback incomplete: {'; '.join(problems)}"
