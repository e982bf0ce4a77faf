"""A customer's tenant on MiCollab, the aggregate of this service. Its methods decide (the version gates
R16-R19, the outcome of a provisioning, a removal, an edit), change the tenant and return the events to
publish; a transition that does not apply to the tenant as it stands returns None."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from micollab_svc.domain.devices import device_violations
from micollab_svc.domain.edit import Step, edit_violations, plan_edit
from micollab_svc.domain.gates import gate_violations
from micollab_svc.domain.plan import TenantPlan, plan_tenant
from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import CustomerSpec

NO_TENANT = "no MiCollab tenant for this customer"
UPDATE_TASKS_KEPT = 64
"""Edit tasks remembered per tenant: a late duplicate comes within a rebalance, far fewer edits back than this."""


class Refused(Exception):
    """What MiCollab cannot carry as the tenant stands: the reason and, for a version gate, its violations."""

    def __init__(self, reason: str, violations: Sequence[Violation] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.violations = list(violations)


class TenantState(StrEnum):
    PROVISIONING = "PROVISIONING"
    """Being created on MiCollab; stored only once the outcome is known."""
    PROVISIONED = "PROVISIONED"
    """Tenant, bundles and first user exist on MiCollab."""
    REJECTED = "REJECTED"
    """A version gate failed (R16-R19): nothing was created."""
    FAILED = "FAILED"
    """A MiCollab call failed and the undo left nothing behind."""
    RESIDUE = "RESIDUE"
    """A MiCollab call failed and so did the undo: the tenant may still be there (R21)."""
    REMOVED = "REMOVED"
    """Removed by a rollback retry or a deletion, or a tombstone: this customer was rolled back before we acted."""


@dataclass
class Progress:
    """What this service created on MiCollab so far, recorded so a residue can be described."""

    tenant: bool = False
    bundles: list[str] = field(default_factory=list)
    user: str | None = None


@dataclass
class Tenant:
    customer_id: str
    state: TenantState
    micollab_url: str | None
    webid: str | None = None
    name: str | None = None
    created: Progress = field(default_factory=Progress)
    reason: str | None = None
    residue: list[str] = field(default_factory=list)
    update_tasks: list[str] = field(default_factory=list)
    """The edit tasks decided here, latest last (R22): a task is never applied twice."""

    @classmethod
    def assigned(cls, event: ev.PlatformAssigned) -> "Tenant":
        details = event.spec.details
        return cls(event.customer_id, TenantState.PROVISIONING, event.micollab.url, details.webid, details.name)

    @classmethod
    def tombstone(cls, customer_id: str) -> "Tenant":
        """For a customer rolled back or edited before it reached us: a late PlatformAssigned creates nothing."""
        return cls(customer_id, TenantState.REMOVED, None)

    def held_at(self) -> str | None:
        """The MiCollab where this tenant may exist; None when it holds nothing there."""
        held = self.state in (TenantState.PROVISIONED, TenantState.RESIDUE)
        return self.micollab_url if held else None

    # provisioning (R16-R21)

    def plan(self, spec: CustomerSpec, target: ev.MiCollabTarget) -> TenantPlan:
        """What to create on MiCollab. Raises Refused when its version cannot carry what is asked (R16-R19)."""
        violations = gate_violations(spec.service_bundles, target) + device_violations(spec.hotdesk_devices, target)
        if violations:
            reason = f"MiCollab {target.url}: version {target.version} cannot carry the bundles asked for"
            raise Refused(reason, violations)
        return plan_tenant(spec)

    def reject(self, refused: Refused) -> list[Message]:
        self.state, self.reason = TenantState.REJECTED, refused.reason
        failed = ev.MiCollabProvisioningFailed(
            customer_id=self.customer_id, reason=refused.reason, violations=refused.violations
        )
        return [failed]

    def tenant_created(self) -> None:
        self.created.tenant = True

    def bundle_created(self, bundle_id: str) -> None:
        self.created.bundles.append(bundle_id)

    def user_created(self, username: str) -> None:
        self.created.user = username

    def needs_undo(self, failed_call_may_have_acted: bool) -> bool:
        """Whether a failed provisioning may have left anything on MiCollab to delete (R20)."""
        return self.created.tenant or failed_call_may_have_acted

    def provisioned(self, plan: TenantPlan) -> list[Message]:
        self.state = TenantState.PROVISIONED
        return [ev.MiCollabTenantProvisioned(customer_id=self.customer_id, bundles=plan.bundle_ids)]

    def provisioning_failed(self, reason: str, undo_failure: str | None = None) -> list[Message]:
        """A call failed and what it may have made was deleted (R20), or that delete failed too: a residue (R21)."""
        if undo_failure is None:
            self.state, self.reason, self.created = TenantState.FAILED, reason, Progress()
        else:
            self.state, self.reason = TenantState.RESIDUE, f"{reason}; undo failed: {undo_failure}"
            self.residue = [self._residue_line()]
        failed = ev.MiCollabProvisioningFailed(customer_id=self.customer_id, reason=self.reason, residue=self.residue)
        return [failed]

    # removal (R21, R23)

    def release(self, delete_failure: str | None) -> list[Message]:
        """After the delete of what `held_at` named: removed, or a residue while the delete fails (the SP may
        retry again, R21). Holding nothing, it reports removed again."""
        removed: list[Message] = [ev.MiCollabTenantRemoved(customer_id=self.customer_id)]
        if self.held_at() is None:
            return removed
        if delete_failure is None:
            self.state, self.created, self.residue = TenantState.REMOVED, Progress(), []
            return removed
        self.state, self.reason, self.residue = TenantState.RESIDUE, delete_failure, [self._residue_line()]
        return [ev.MiCollabRemovalFailed(customer_id=self.customer_id, reason=self.reason, residue=self.residue)]

    # edits (R22)

    def decided(self, task_id: str) -> bool:
        return task_id in self.update_tasks

    def plan_edit(self, event: ev.PlatformUpdated) -> list[Step]:
        """The MiCollab calls of an edit; none when it changes nothing here. Raises Refused without a
        provisioned tenant, or when the edit newly asks for what this MiCollab cannot carry (R16-R19)."""
        if self.state is not TenantState.PROVISIONED or not self.micollab_url:
            raise Refused(NO_TENANT)
        violations = edit_violations(event.before, event.after, event.micollab)
        if violations:
            reason = (
                f"MiCollab {self.micollab_url}: version {event.micollab.version} cannot carry the bundles asked for"
            )
            raise Refused(reason, violations)
        return plan_edit(event.before, event.after)

    def edit_refused(self, task_id: str, refused: Refused) -> list[Message] | None:
        failed = ev.MiCollabUpdateFailed(
            customer_id=self.customer_id, task_id=task_id, reason=refused.reason, violations=refused.violations
        )
        return self._decide(task_id, failed)

    def edit_put_back(self, task_id: str, failure: str, put_back_failures: Sequence[str]) -> list[Message] | None:
        """A call of the edit failed and what it changed was put back, as far as MiCollab let it."""
        reason = failure + ("; put back failed: " + "; ".join(put_back_failures) if put_back_failures else "")
        return self._decide(
            task_id, ev.MiCollabUpdateFailed(customer_id=self.customer_id, task_id=task_id, reason=reason)
        )

    def edited(self, event: ev.PlatformUpdated) -> list[Message] | None:
        if self.decided(event.task_id):
            return None
        self.name = event.after.details.name
        self.created.bundles = [bundle.bundle_id for bundle in event.after.service_bundles]
        return self._decide(event.task_id, ev.MiCollabUpdated(customer_id=self.customer_id, task_id=event.task_id))

    def _decide(self, task_id: str, outcome: Message) -> list[Message] | None:
        if self.decided(task_id):
            return None  # a concurrent delivery of the same task recorded it first
        self.update_tasks = [*self.update_tasks, task_id][-UPDATE_TASKS_KEPT:]
        return [outcome]

    def _residue_line(self) -> str:
        return f"MiCollab tenant {self.customer_id} at {self.micollab_url}"
