"""The customer and its create saga: which event moves it where, and what it then announces.

Every transition is guarded on the current status, so a late or repeated event never moves the
saga backwards (it returns no events and changes nothing).
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.did_ranges import Span, covered_by, remove
from customer_svc.domain.editing import PendingUpdate, billing_changes, usage
from customer_svc.domain.tasks import Task, TaskList, TaskStatus
from customer_svc.domain.waiting import QueuedRequest, blocker
from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import BillingChange, CustomerSpec, DidRange


class Status(StrEnum):
    PROVISIONING = "PROVISIONING"
    ACTIVE = "ACTIVE"
    ROLLING_BACK = "ROLLING_BACK"
    FAILED = "FAILED"
    ROLLBACK_FAILED = "ROLLBACK_FAILED"
    REJECTED = "REJECTED"
    UPDATING = "UPDATING"
    AWAITING_CONFIRMATION = "AWAITING_CONFIRMATION"
    DELETING = "DELETING"
    DELETION_FAILED = "DELETION_FAILED"
    DELETED = "DELETED"

    @property
    def holds_webid(self) -> bool:
        """R6: a WebID is unique among live customers; one left on a platform (R21) is still live."""
        return self not in (Status.FAILED, Status.REJECTED, Status.DELETED)


class Refused(Exception):
    """The request does not apply to the customer as it is; the reason says why."""


class Rejected(Refused):
    """The request breaks rules: each violation names the field and the rule."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.message} ({v.rule})" for v in violations))
        self.violations = violations


ROLLBACK_ADVICE = (
    "check the network, ping the platform, try another customer on the same platform, then retry the rollback"
)


@dataclass(frozen=True)
class DidOperation:
    task_id: str
    kind: str
    span: Span


@dataclass
class Customer:
    customer_id: str
    webid: str
    spec: CustomerSpec
    status: Status
    created_at: datetime
    reason: str | None = None
    violations: list[Violation] = field(default_factory=list)
    awaiting_undo: list[str] = field(default_factory=list)
    residue: dict[str, list[str]] = field(default_factory=dict)
    welcome_mail: str | None = None
    demo: bool = False
    pending_update: PendingUpdate | None = None
    did_operations: list[DidOperation] = field(default_factory=list)
    sold_bundles: dict[str, Bundle] = field(default_factory=dict)
    queued: list[QueuedRequest] = field(default_factory=list)
    """R25: requests waiting for an unfinished task of this customer."""
    """The bundles as they were defined when sold: a later change of the SP's catalogue never alters them."""

    def terms(self, catalogue: Mapping[str, Bundle]) -> dict[str, Bundle]:
        """What an edit is checked against: the customer's own terms first, the catalogue for new bundles."""
        return {**catalogue, **self.sold_bundles}

    steps: list[dict[str, Any]] = field(default_factory=list)
    tasks: TaskList = field(default_factory=TaskList)

    @classmethod
    def request(
        cls, customer_id: str, task_id: str, spec: CustomerSpec, catalogue: Mapping[str, Bundle], now: datetime
    ) -> tuple["Customer", list[Message]]:
        tasks = TaskList([Task.start(task_id, "create", now)])
        customer = cls(customer_id, spec.details.webid, spec, Status.PROVISIONING, now, tasks=tasks)
        customer.sold_bundles = sold(spec, catalogue)
        customer.record(now, "customer record stored", "PROVISIONING")
        return customer, [ev.CustomerRequested(customer_id=customer_id, task_id=task_id, spec=spec)]

    @classmethod
    def reject(
        cls, customer_id: str, task_id: str, spec: CustomerSpec, violations: list[Violation], now: datetime
    ) -> tuple["Customer", list[Message]]:
        reason = "; ".join(f"{v.field}: {v.message} ({v.rule})" for v in violations)
        customer = cls(
            customer_id, spec.details.webid, spec, Status.REJECTED, now, reason=reason, violations=violations
        )
        customer.tasks = TaskList([Task.start(task_id, "create", now).finish(TaskStatus.FAILED, now, reason)])
        customer.record(now, "request rejected", reason)
        return customer, [
            ev.CustomerRejected(customer_id=customer_id, task_id=task_id, webid=customer.webid, violations=violations),
            ev.TaskFailed(customer_id=customer_id, task_id=task_id, kind="create", reason=reason),
        ]

    @property
    def create_task(self) -> Task:
        return next(task for task in self.tasks if task.kind == "create")

    def record(self, now: datetime, step: str, outcome: str) -> None:
        self.steps.append({"at": now.isoformat(), "step": step, "outcome": outcome})

    def platform_assigned(self, group_id: str, now: datetime) -> list[Message]:
        if self.status is Status.PROVISIONING:
            self.record(now, "MiVoice Business and MBG configured", f"platform group {group_id}")
        return []

    def micollab_provisioned(self, bundles: list[str], portal_url: str, now: datetime) -> list[Message]:
        if self.status is not Status.PROVISIONING:
            return []
        self.status = Status.ACTIVE
        self.record(now, "MiCollab tenant and bundles created", ", ".join(bundles) or "no bundles")
        self.record(now, "customer active", "ACTIVE")
        task = self.create_task
        spec = self.spec
        return [
            ev.CustomerActivated(
                customer_id=self.customer_id,
                task_id=task.task_id,
                webid=self.webid,
                name=spec.details.name,
                contact_email=spec.details.contact_email,
                portal_url=f"{portal_url.rstrip('/')}/{self.webid}",
                first_user=spec.first_user,
                send_welcome_mail=spec.user_settings.send_welcome_mail,
                welcome_mail_template_id=spec.platform.welcome_mail_template_id,
                usage=usage(spec),
            ),
            *self.tasks.close(self.customer_id, task, now),
        ]

    def platform_assignment_failed(self, failure: ev.PlatformAssignmentFailed, now: datetime) -> list[Message]:
        if self.status is not Status.PROVISIONING:
            return []
        self.violations = list(failure.violations)
        self.record(now, "MiVoice Business / MBG step failed", failure.reason)
        self.residue = {"platform": list(failure.residue)} if failure.residue else {}
        return self._conclude_rollback(failure.reason, now)

    def micollab_failed(self, failure: ev.MiCollabProvisioningFailed, now: datetime) -> list[Message]:
        if self.status is not Status.PROVISIONING:
            return []
        self.status = Status.ROLLING_BACK
        self.reason = failure.reason
        self.violations = list(failure.violations)
        self.residue = {"micollab": list(failure.residue)} if failure.residue else {}
        self.awaiting_undo = ["platform"]
        self.record(now, "MiCollab step failed", failure.reason)
        return []

    def undo_reported(self, part: str, residue: list[str], detail: str, now: datetime) -> list[Message]:
        """A participant finished undoing its part (residue empty) or could not (residue lists what is left)."""
        if self.status not in (Status.ROLLING_BACK, Status.DELETING) or part not in self.awaiting_undo:
            return []
        self.awaiting_undo.remove(part)
        self.residue = (
            {**self.residue, part: residue} if residue else {k: v for k, v in self.residue.items() if k != part}
        )
        self.record(now, f"{part} undo", detail)
        if self.awaiting_undo:
            return []
        if self.status is Status.DELETING:
            return self._conclude_deletion(now)
        return self._conclude_rollback(self.reason or "rollback", now)

    def retry_rollback(self, task_id: str, now: datetime) -> list[Message]:
        """R21: the SP asks again to clean what a failed rollback left."""
        if self.status is not Status.ROLLBACK_FAILED:
            raise Refused(f"only a ROLLBACK_FAILED customer can retry its rollback; this one is {self.status}")
        self.status = Status.ROLLING_BACK
        self.awaiting_undo = ["platform", "micollab"]
        self.tasks.start(task_id, "retry-rollback", now)
        self.record(now, "rollback retried", "ROLLING_BACK")
        return [ev.RollbackRetryRequested(customer_id=self.customer_id, task_id=task_id)]

    def request_deletion(self, task_id: str, now: datetime) -> list[Message]:
        """R23: off every platform, then out of our records. R24: a demo customer only leaves our records."""
        if self.status in (Status.PROVISIONING, Status.ROLLING_BACK, Status.DELETING):
            raise Refused(f"the customer is {self.status}: its running task must finish first")
        if self.status is Status.DELETED:
            raise Refused("the customer is already deleted")
        self.tasks.start(task_id, "delete", now)
        if self.demo or self.status in (Status.FAILED, Status.REJECTED):
            self.residue = {"platforms": placement(self)} if self.demo else {}
            return self._conclude_deletion(now)
        self.status = Status.DELETING
        self.awaiting_undo = ["platform", "micollab"]
        self.record(now, "deletion requested", "DELETING")
        return [ev.CustomerDeletionRequested(customer_id=self.customer_id, task_id=task_id)]

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
        return self._end_update(reason, now) if undone else []

    def update_reverted(self, residue: list[str], now: datetime) -> list[Message]:
        if self.status is not Status.UPDATING or self.pending_update is None:
            return []
        reason = self.pending_update.failure or "edit failed"
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

    def request_did_change(self, task_id: str, kind: str, span: Span, now: datetime) -> list[Message]:
        """R12: add a range no one else on the group holds (checked by the index), or remove held numbers."""
        if self.demo or self.status not in (Status.ACTIVE, Status.UPDATING, Status.AWAITING_CONFIRMATION):
            raise Refused(f"DID ranges change only on a live customer not in demo mode; this one is {self.status}")
        held = self.did_spans()
        start, end = span.text()
        field_ = "did_range"
        if kind == "add-did-range" and any(span.overlaps(h) for h in held):
            raise Rejected(
                [Violation(field=field_, rule="R12", message=f"{start}-{end} overlaps a range the customer holds")]
            )
        if kind == "remove-did-range" and not covered_by(held, span):
            raise Rejected(
                [Violation(field=field_, rule="R12", message=f"the customer does not hold all of {start}-{end}")]
            )
        self.tasks.start(task_id, kind, now)
        self.did_operations.append(DidOperation(task_id, kind, span))
        did_range = DidRange(start=start, end=end)
        group = self.spec.platform.platform_group_id
        self.record(now, f"{kind} requested", f"{start}-{end}")
        if kind == "add-did-range":
            return [
                ev.DidRangeAdditionRequested(
                    customer_id=self.customer_id, task_id=task_id, platform_group_id=group, did_range=did_range
                )
            ]
        return [
            ev.DidRangeRemovalRequested(
                customer_id=self.customer_id, task_id=task_id, platform_group_id=group, did_range=did_range
            )
        ]

    def did_change_done(self, task_id: str, now: datetime, failure: str | None = None) -> list[Message]:
        operation = next((op for op in self.did_operations if op.task_id == task_id), None)
        if operation is None:
            return []
        self.did_operations.remove(operation)
        [task] = [t for t in self.tasks.pending(operation.kind) if t.task_id == task_id]
        start, end = operation.span.text()
        if failure:
            self.record(now, f"{operation.kind} failed", failure)
            return self.tasks.close(self.customer_id, task, now, failure)
        held = self.did_spans()
        spans = sorted([*held, operation.span]) if operation.kind == "add-did-range" else remove(held, operation.span)
        self.spec = self.spec.model_copy(
            update={"did_ranges": [DidRange(start=s.text()[0], end=s.text()[1]) for s in spans]}
        )
        self.record(now, f"{operation.kind} done", f"{start}-{end}")
        did_range = DidRange(start=start, end=end)
        done: Message = (
            ev.DidRangeAdded(customer_id=self.customer_id, task_id=task_id, did_range=did_range)
            if operation.kind == "add-did-range"
            else ev.DidRangeRemoved(customer_id=self.customer_id, task_id=task_id, did_range=did_range)
        )
        return [done, *self.tasks.close(self.customer_id, task, now)]

    def wait(self, task_id: str, kind: str, payload: dict[str, Any], span: Span | None, now: datetime) -> bool:
        """R25: queues the request behind the unfinished task it depends on; False when it can run now."""
        pending_spans = {op.task_id: op.span for op in self.did_operations}
        blocking = blocker(self.tasks, kind, span, pending_spans)
        if blocking is None:
            self.queued = [q for q in self.queued if q.task_id != task_id]
            return False
        if not any(q.task_id == task_id for q in self.queued):
            self.queued.append(QueuedRequest(task_id, kind, payload, blocking.task_id))
            self.tasks.start(task_id, kind, now, waiting_for=blocking.task_id)
            self.record(now, f"{kind} waits", f"for task {blocking.task_id} ({blocking.kind})")
        return True

    def ready_to_resume(self) -> list[tuple[QueuedRequest, Task]]:
        """Queued requests whose task finished: each with that task, to run it or to refuse it."""
        finished = {t.task_id: t for t in self.tasks if t.status is not TaskStatus.PENDING}
        return [(q, finished[q.waiting_for]) for q in self.queued if q.waiting_for in finished]

    def did_spans(self) -> list[Span]:
        return sorted(Span.of(r.start, r.end) for r in self.spec.did_ranges)

    def convert_to_demo(self, task_id: str, now: datetime) -> list[Message]:
        """R24: one-way; a demo customer can only be deleted."""
        if self.status is not Status.ACTIVE or self.demo:
            reason = "already in demo mode" if self.demo else f"only an ACTIVE customer, this one is {self.status}"
            raise Refused(f"cannot convert to demo mode: {reason}")
        self.demo = True
        task = self.tasks.start(task_id, "convert-to-demo", now)
        self.record(now, "converted to demo mode", "edits and logins disabled; it can only be deleted")
        converted = ev.CustomerConvertedToDemo(customer_id=self.customer_id, task_id=task_id, webid=self.webid)
        return [converted, *self.tasks.close(self.customer_id, task, now)]

    def refuse(
        self,
        task_id: str,
        kind: str,
        reason: str,
        now: datetime,
        violations: list[Violation] = (),  # type: ignore[assignment]
    ) -> list[Message]:
        """Records a request that could not run, so its task says why (and which rules it broke)."""
        task = self.tasks.start(task_id, kind, now, violations)
        return self.tasks.close(self.customer_id, task, now, reason, refused=True)

    def _conclude_deletion(self, now: datetime) -> list[Message]:
        [task] = self.tasks.pending("delete")
        left = [item for items in self.residue.values() for item in items]
        if left and not self.demo:
            self.status = Status.DELETION_FAILED
            reason = f"left behind: {', '.join(left)}; {ROLLBACK_ADVICE}"
            self.record(now, "deletion failed", reason)
            failed = ev.CustomerDeletionFailed(
                customer_id=self.customer_id, task_id=task.task_id, webid=self.webid, reason=reason, residue=left
            )
            return [failed, *self.tasks.close(self.customer_id, task, now, reason)]
        self.status = Status.DELETED
        self.record(now, "customer deleted", f"left on the platforms: {', '.join(left)}" if left else "nothing left")
        deleted = ev.CustomerDeleted(customer_id=self.customer_id, task_id=task.task_id, webid=self.webid, residue=left)
        return [deleted, *self.tasks.close(self.customer_id, task, now)]

    def welcome_mail_reported(self, outcome: str, now: datetime) -> list[Message]:
        if self.welcome_mail is None:
            self.welcome_mail = outcome
            self.record(now, "welcome mail", outcome)
        return []

    def _conclude_rollback(self, reason: str, now: datetime) -> list[Message]:
        self.reason = reason
        if any(self.residue.values()):
            self.status = Status.ROLLBACK_FAILED
            left = [item for items in self.residue.values() for item in items]
            self.record(now, "rollback failed", f"left behind: {', '.join(left)}; {ROLLBACK_ADVICE}")
            return [
                ev.CustomerRollbackFailed(
                    customer_id=self.customer_id, task_id=self._task_id(), webid=self.webid, reason=reason, residue=left
                ),
                *self._close_tasks(reason, now, cleaned=False),
            ]
        self.status = Status.FAILED
        self.record(now, "customer failed, nothing left on any platform", reason)
        return [
            ev.CustomerFailed(customer_id=self.customer_id, task_id=self._task_id(), webid=self.webid, reason=reason),
            *self._close_tasks(reason, now, cleaned=True),
        ]

    def _task_id(self) -> str:
        return self.create_task.task_id

    def _close_tasks(self, reason: str, now: datetime, cleaned: bool) -> list[Message]:
        """The create task failed either way; a rollback retry succeeded when nothing is left behind."""
        closed: list[Message] = []
        for task in self.tasks.pending():
            succeeded = task.kind == "retry-rollback" and cleaned
            closed += self.tasks.close(self.customer_id, task, now, None if succeeded else reason)
        return closed


def placement(customer: Customer) -> list[str]:
    """What a customer holds on its platforms, as an SP would look for it when cleaning by hand (R24)."""
    spec, customer_id = customer.spec, customer.customer_id
    dids = ", ".join(f"{r.start}-{r.end}" for r in spec.did_ranges) or "no DIDs"
    bundles = ", ".join(b.bundle_id for b in spec.service_bundles) or "no bundles"
    return [
        f"MiVB tenant {customer_id} on {spec.platform.platform_group_id} ({dids})",
        f"MBG customer {customer_id} with SIP user {spec.first_user.username}",
        f"MiCollab tenant {customer_id} ({bundles}) with user {spec.first_user.username}",
    ]


def describe(changes: list[BillingChange]) -> str:
    return ", ".join(f"{c.bundle_id} {c.before} -> {c.after}" for c in changes)


def bundle_ids(spec: CustomerSpec) -> set[str]:
    return {b.bundle_id for b in spec.service_bundles}


def sold(spec: CustomerSpec, catalogue: Mapping[str, Bundle]) -> dict[str, Bundle]:
    return {b: catalogue[b] for b in bundle_ids(spec) if b in catalogue}
