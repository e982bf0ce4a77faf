"""Editing the customer (R22), waiting for the customer's confirmation of billing changes (R27)."""

from collections.abc import Mapping
from datetime import datetime

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.did_changes import DidChanges
from customer_svc.domain.editing import PendingUpdate, billing_changes, usage
from customer_svc.domain.record import ROLLBACK_ADVICE, Refused, Rejected, Status
from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import BillingChange, CustomerSpec


class Edits(DidChanges):
    def request_update(
        self,
        task_id: str,
        after: CustomerSpec,
        violations: list[Violation],
        catalogue: Mapping[str, Bundle],
        now: datetime,
    ) -> list[Message]:
        """R22; R27 when the customer must confirm changes that affect its billing; R24: never in demo mode."""
        if self.demo:
            raise Refused("a customer in demo mode cannot be edited, only deleted (R24)")
        if self.status is not Status.ACTIVE:
            raise Refused(f"the customer is {self.status}: its running task must finish first")
        if violations:
            raise Rejected(violations)
        changes = billing_changes(self.spec, after)
        self.pending_update = PendingUpdate(task_id, after, changes, sold=sold(after, catalogue))
        self.tasks.start(task_id, "update", now)
        if changes and self.spec.platform.confirm_billing_changes:
            self.status = Status.AWAITING_CONFIRMATION
            self.record(now, "edit waits for the customer's confirmation", describe(changes))
            return [
                ev.BillingChangeAwaitingConfirmation(
                    customer_id=self.customer_id, task_id=task_id, webid=self.webid, billing_changes=changes
                )
            ]
        return self._start_update(now)

    def confirm_billing_change(self, task_id: str, edit_task_id: str, accept: bool, now: datetime) -> list[Message]:
        pending = self.pending_update
        if self.status is not Status.AWAITING_CONFIRMATION or pending is None or pending.task_id != edit_task_id:
            raise Refused("no edit of this customer waits for that confirmation")
        answer = self.tasks.start(task_id, "confirm-billing-change", now)
        answered = self.tasks.close(self.customer_id, answer, now)
        if accept:
            self.record(now, "billing change confirmed", describe(pending.billing_changes))
            return [*answered, *self._start_update(now)]
        return [*answered, *self._end_update("the customer rejected the billing change", now)]

    def update_applied(self, now: datetime) -> list[Message]:
        pending = self.pending_update
        if self.status is not Status.UPDATING or pending is None:
            return []
        # DID ranges change by their own tasks meanwhile (R25): the edit never touches them
        after = pending.after.model_copy(update={"did_ranges": self.spec.did_ranges})
        self.spec, self.status, self.pending_update = after, Status.ACTIVE, None
        self.sold_bundles = {
            k: v for k, v in {**pending.sold, **self.sold_bundles}.items() if k in bundle_ids(self.spec)
        }
        self.record(now, "edit applied on every platform", "ACTIVE")
        [task] = [t for t in self.tasks.pending("update") if t.task_id == pending.task_id]
        updated = ev.CustomerUpdated(
            customer_id=self.customer_id,
            task_id=task.task_id,
            webid=self.webid,
            spec=self.spec,
            usage=usage(self.spec),
            billing_changes=pending.billing_changes,
        )
        return [updated, *self.tasks.close(self.customer_id, task, now)]

    def update_step_failed(
        self, reason: str, violations: list[Violation], now: datetime, undone: bool
    ) -> list[Message]:
        """A platform refused the edit. `undone`: nothing of it is left, the edit ends; otherwise wait for
        the platforms that already applied it to put it back."""
        if self.status is not Status.UPDATING or self.pending_update is None:
            return []
        self.pending_update.failure, self.pending_update.violations = reason, violations
        self.record(now, "edit refused by a platform", reason)
        if undone:
            return self._end_update(reason, now)
        if self.pending_update.reverted is not None:  # the MiVB's revert was read first
            return self.update_reverted(self.pending_update.reverted, now)
        return []

    def update_reverted(self, residue: list[str], now: datetime) -> list[Message]:
        pending = self.pending_update
        if self.status is not Status.UPDATING or pending is None:
            return []
        if pending.failure is None:
            # platform.events and micollab.events are separate topics: the revert may be read before the
            # MiCollab failure it answers, whose reason the edit's task should carry
            pending.reverted = residue
            self.record(now, "MiVB put back, ahead of the failure it answers", ", ".join(residue) or "nothing left")
            return []
        reason = pending.failure
        if residue:
            reason += f"; could not put back: {', '.join(residue)}; {ROLLBACK_ADVICE}"
        return self._end_update(reason, now)

    def _start_update(self, now: datetime) -> list[Message]:
        assert self.pending_update is not None
        self.status = Status.UPDATING
        self.record(now, "edit requested", "UPDATING")
        after, task_id = self.pending_update.after, self.pending_update.task_id
        return [
            ev.CustomerUpdateRequested(customer_id=self.customer_id, task_id=task_id, before=self.spec, after=after)
        ]

    def _end_update(self, reason: str, now: datetime) -> list[Message]:
        """The edit did not happen: the customer stays exactly as it was."""
        assert self.pending_update is not None
        pending, self.pending_update, self.status = self.pending_update, None, Status.ACTIVE
        self.record(now, "edit failed, customer unchanged", reason)
        [task] = [t for t in self.tasks.pending("update") if t.task_id == pending.task_id]
        failed = ev.CustomerUpdateFailed(
            customer_id=self.customer_id,
            task_id=task.task_id,
            webid=self.webid,
            reason=reason,
            violations=pending.violations,
        )
        return [failed, *self.tasks.close(self.customer_id, task, now, reason)]


def describe(changes: list[BillingChange]) -> str:
    return ", ".join(f"{c.bundle_id} {c.before} -> {c.after}" for c in changes)


def bundle_ids(spec: CustomerSpec) -> set[str]:
    return {b.bundle_id for b in spec.service_bundles}


def sold(spec: CustomerSpec, catalogue: Mapping[str, Bundle]) -> dict[str, Bundle]:
    return {b: catalogue[b] for b in bundle_ids(spec) if b in catalogue}
