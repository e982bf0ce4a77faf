"""The customer: one aggregate composed of its parts (what it is, what it was sold, its tasks, its timeline,
the requests waiting on its tasks, the undo under way, its pending edit, its DID changes). Its methods check
the rules, change the customer and return the events to publish.

Every transition is guarded on the current state: a late or repeated message that does not apply to the
customer as it stands returns None and changes nothing.
"""

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.deadlines import SP_FAILED, Deadlines, Wait, Waiting, given_up
from customer_svc.domain.did_operations import DidOperations
from customer_svc.domain.did_ranges import ordered, uncovered
from customer_svc.domain.edit import PendingUpdate, apply_changes, describe, failure_after_revert
from customer_svc.domain.record import CustomerRecord, Status
from customer_svc.domain.refusal import Refused
from customer_svc.domain.rules import check_did_range, validate_new_customer
from customer_svc.domain.sold import SoldBundles, usage
from customer_svc.domain.tasks import Task, TaskList, TaskStatus
from customer_svc.domain.timeline import Timeline
from customer_svc.domain.undo import MICOLLAB, PLATFORM, PLATFORMS, ROLLBACK_ADVICE, Undo
from customer_svc.domain.waiting import WAITABLE, QueuedRequest, WaitingRequests, blocker
from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import CustomerChanges, CustomerSpec, DidRange
from mmp_contracts.tasks import TaskKind

Events = list[Message]
PLATFORM_CONFIGURED = "MiVoice Business and MBG configured"


@dataclass
class Customer:
    customer_id: str
    webid: str
    created_at: datetime
    record: CustomerRecord
    sold: SoldBundles = field(default_factory=SoldBundles)
    tasks: TaskList = field(default_factory=TaskList)
    timeline: Timeline = field(default_factory=Timeline)
    waiting: WaitingRequests = field(default_factory=WaitingRequests)
    undo: Undo = field(default_factory=Undo)
    edit: PendingUpdate | None = None
    dids: DidOperations = field(default_factory=DidOperations)

    # the create saga (R20, R21)

    @classmethod
    def request(
        cls, customer_id: str, task_id: str, spec: CustomerSpec, catalogue: Mapping[str, Bundle], now: datetime
    ) -> tuple["Customer", Events]:
        """A create that passed the intake rules: stored PROVISIONING, the bundles' terms as sold."""
        customer = cls(
            customer_id,
            spec.details.webid,
            now,
            CustomerRecord(spec, Status.PROVISIONING, now),
            sold=SoldBundles.of(spec, catalogue),
        )
        customer.tasks.start(task_id, TaskKind.CREATE, now)
        customer.timeline.add(now, "customer record stored", "PROVISIONING")
        return customer, [ev.CustomerRequested(customer_id=customer_id, task_id=task_id, spec=spec)]

    @classmethod
    def reject(
        cls, customer_id: str, task_id: str, spec: CustomerSpec, violations: Sequence[Violation], now: datetime
    ) -> tuple["Customer", Events]:
        """A create that breaks rules: stored REJECTED with every violation, so the caller can fix each field."""
        refusal = Refused.breaking(violations)
        record = CustomerRecord(spec, Status.REJECTED, now, refusal.reason, list(violations))
        customer = cls(customer_id, spec.details.webid, now, record)
        task = customer.tasks.start(task_id, TaskKind.CREATE, now)
        failed = customer.tasks.close(customer_id, task, now, refusal.reason)
        customer.timeline.add(now, "request rejected", refusal.reason)
        rejected = ev.CustomerRejected(
            customer_id=customer_id, task_id=task_id, webid=customer.webid, violations=list(violations)
        )
        return customer, [rejected, *failed]

    def platform_assigned(self, group_id: str, now: datetime) -> Events | None:
        if self.record.status is not Status.PROVISIONING:
            return None
        self.timeline.add(now, PLATFORM_CONFIGURED, f"platform group {group_id}")
        return []

    def micollab_provisioned(self, bundles: Sequence[str], portal_url: str, now: datetime) -> Events | None:
        if self.record.status is not Status.PROVISIONING:
            return None
        self.record.enter(Status.ACTIVE, now)
        if not self.timeline.has(PLATFORM_CONFIGURED):
            # MiCollab acts on platform-svc's report, but the two reports come on different topics: platform-svc's
            # may be read second, once the customer is active, when it no longer applies
            group = f"platform group {self.record.spec.platform.platform_group_id}"
            self.timeline.add(now, PLATFORM_CONFIGURED, group)
        self.timeline.add(now, "MiCollab tenant and bundles created", ", ".join(bundles) or "no bundles")
        self.timeline.add(now, "customer active", "ACTIVE")
        task, spec = self.tasks.first(TaskKind.CREATE), self.record.spec
        activated = ev.CustomerActivated(
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
        )
        return [activated, *self.tasks.close(self.customer_id, task, now)]

    def platform_assignment_failed(self, failure: ev.PlatformAssignmentFailed, now: datetime) -> Events | None:
        """platform-svc undid its own partial work before it said so: the create ends here (R20, R21)."""
        if self.record.status is not Status.PROVISIONING:
            return None
        self.record.violations = list(failure.violations)
        self.timeline.add(now, "MiVoice Business / MBG step failed", failure.reason)
        self.undo.found(PLATFORM, failure.residue)
        return self._conclude_rollback(failure.reason, now)

    def micollab_failed(self, failure: ev.MiCollabProvisioningFailed, now: datetime) -> Events | None:
        """The MiVB and MBG parts are undone next; the customer fails once platform-svc says so (R20)."""
        if self.record.status is not Status.PROVISIONING:
            return None
        self.record.enter(Status.ROLLING_BACK, now)
        self.record.reason = failure.reason
        self.record.violations = list(failure.violations)
        self.undo.found(MICOLLAB, failure.residue)
        self.undo.wait_for(PLATFORM)
        self.timeline.add(now, "MiCollab step failed", failure.reason)
        early = self.undo.take_early(PLATFORM)
        return (self.undo_reported(PLATFORM, early.residue, early.detail, now) or []) if early else []

    def undo_reported(self, part: str, residue: Sequence[str], detail: str, now: datetime) -> Events | None:
        """A participant finished undoing its part (residue empty) or could not (residue lists what is left)."""
        if self.record.status is Status.PROVISIONING and part == PLATFORM:
            self.undo.keep_early(part, residue, detail)
            self.timeline.add(now, f"{part} undo, ahead of the failure it answers", detail)
            return []
        if self.record.status not in (Status.ROLLING_BACK, Status.DELETING) or not self.undo.reported(part, residue):
            return None
        self.timeline.add(now, f"{part} undo", detail)
        if not self.undo.done:
            return []
        if self.record.status is Status.DELETING:
            return self._conclude_deletion(now)
        return self._conclude_rollback(self.record.reason or "rollback", now)

    def retry_rollback(self, task_id: str, now: datetime) -> Events:
        """R21: the SP asks again to clean what a failed rollback left."""
        self.record.ensure_rollback_retriable()
        self.record.enter(Status.ROLLING_BACK, now)
        self.undo.wait_for(PLATFORM, MICOLLAB)
        self.tasks.start(task_id, TaskKind.RETRY_ROLLBACK, now)
        self.timeline.add(now, "rollback retried", "ROLLING_BACK")
        return [ev.RollbackRetryRequested(customer_id=self.customer_id, task_id=task_id)]

    def welcome_mail_reported(self, outcome: str, now: datetime) -> Events | None:
        if self.record.welcome_mail is not None:
            return None
        self.record.welcome_mail = outcome
        self.timeline.add(now, "welcome mail", outcome)
        return []

    def _conclude_rollback(self, reason: str, now: datetime) -> Events:
        self.record.reason = reason
        task_id, left = self.tasks.first(TaskKind.CREATE).task_id, self.undo.left()
        if left:
            self.record.enter(Status.ROLLBACK_FAILED, now)
            self.timeline.add(now, "rollback failed", f"left behind: {', '.join(left)}; {ROLLBACK_ADVICE}")
            failed = ev.CustomerRollbackFailed(
                customer_id=self.customer_id, task_id=task_id, webid=self.webid, reason=reason, residue=left
            )
            return [failed, *self._close_rollback_tasks(reason, now, cleaned=False)]
        self.record.enter(Status.FAILED, now)
        self.timeline.add(now, "customer failed, nothing left on any platform", reason)
        failed_ = ev.CustomerFailed(customer_id=self.customer_id, task_id=task_id, webid=self.webid, reason=reason)
        return [failed_, *self._close_rollback_tasks(reason, now, cleaned=True)]

    def _close_rollback_tasks(self, reason: str, now: datetime, cleaned: bool) -> Events:
        """The create task failed either way; a rollback retry succeeded when nothing is left behind."""
        closed: Events = []
        for task in self.tasks.pending():
            succeeded = task.kind is TaskKind.RETRY_ROLLBACK and cleaned
            closed += self.tasks.close(self.customer_id, task, now, None if succeeded else reason)
        return closed

    # edits (R22, R27)

    def request_update(
        self,
        task_id: str,
        changes: CustomerChanges,
        catalogue: Mapping[str, Bundle],
        platform_groups: Collection[str],
        now: datetime,
    ) -> Events:
        """R22: the customer after the edit must pass the rules of a new one, judged on the terms it was sold;
        R27: it waits for the customer's confirmation when that affects its billing; R24: never in demo mode."""
        self.record.ensure_editable()
        before = self.record.spec
        after = apply_changes(before, changes)
        terms = self.sold.terms(catalogue)
        violations = self.update_violations(changes, catalogue, platform_groups)
        if violations:
            raise Refused.breaking(violations)
        self.edit = edit = PendingUpdate.of(task_id, before, after, SoldBundles.of(after, terms))
        self.tasks.start(task_id, TaskKind.UPDATE, now)
        if edit.billing_changes and before.platform.confirm_billing_changes:
            self.record.enter(Status.AWAITING_CONFIRMATION, now)
            self.timeline.add(now, "edit waits for the customer's confirmation", describe(edit.billing_changes))
            waiting = ev.BillingChangeAwaitingConfirmation(
                customer_id=self.customer_id, task_id=task_id, webid=self.webid, billing_changes=edit.billing_changes
            )
            return [waiting]
        return self._start_update(edit, now)

    def update_violations(
        self, changes: CustomerChanges, catalogue: Mapping[str, Bundle], platform_groups: Collection[str]
    ) -> list[Violation]:
        """R22: what the customer after the edit breaks of the rules of a new one, judged on the terms it was
        sold (the edit is refused by `apply_changes` if it does not even make a customer)."""
        after = apply_changes(self.record.spec, changes)
        return validate_new_customer(after, self.sold.terms(catalogue), platform_groups)

    def confirm_billing_change(self, task_id: str, edit_task_id: str, accept: bool, now: datetime) -> Events:
        edit = self.edit
        if self.record.status is not Status.AWAITING_CONFIRMATION or edit is None or edit.task_id != edit_task_id:
            raise Refused("no edit of this customer waits for that confirmation")
        answer = self.tasks.start(task_id, TaskKind.CONFIRM_BILLING_CHANGE, now)
        answered = self.tasks.close(self.customer_id, answer, now)
        if accept:
            self.timeline.add(now, "billing change confirmed", describe(edit.billing_changes))
            return [*answered, *self._start_update(edit, now)]
        return [*answered, *self._end_update(edit, "the customer rejected the billing change", now)]

    def update_applied(self, task_id: str, now: datetime) -> Events | None:
        edit = self._edit_reported_by(task_id)
        if edit is None:
            return None
        if edit.put_back is not None:
            return self._end_update(edit, f"{edit.put_back}; the customer is as it was on every platform", now)
        # DID ranges change by their own tasks meanwhile (R25): the edit never touches them
        after = edit.after.model_copy(update={"did_ranges": self.record.spec.did_ranges})
        self.record.spec, self.edit = after, None
        self.record.enter(Status.ACTIVE, now)
        self.sold = self.sold.after_edit(edit.sold, after)
        self.timeline.add(now, "edit applied on every platform", "ACTIVE")
        task = self.tasks.running(edit.task_id)
        updated = ev.CustomerUpdated(
            customer_id=self.customer_id,
            task_id=task.task_id,
            webid=self.webid,
            spec=after,
            usage=usage(after),
            billing_changes=edit.billing_changes,
        )
        return [updated, *self.tasks.close(self.customer_id, task, now)]

    def update_step_failed(
        self, task_id: str, reason: str, violations: Sequence[Violation], now: datetime, undone: bool
    ) -> Events | None:
        """A platform refused the edit. `undone`: nothing of it is left, the edit ends; otherwise wait for
        the platforms that already applied it to put it back."""
        edit = self._edit_reported_by(task_id)
        if edit is None:
            return None
        if edit.put_back is not None:
            return self._put_back_failed(edit, reason, now)
        edit.refused_by_platform(reason, violations)
        self.timeline.add(now, "edit refused by a platform", reason)
        if undone:
            return self._end_update(edit, reason, now)
        if edit.reverted is not None:  # the MiVB's revert was read first
            return self._end_update(edit, failure_after_revert(reason, edit.reverted), now)
        return []

    def update_reverted(self, task_id: str, residue: Sequence[str], now: datetime) -> Events | None:
        edit = self._edit_reported_by(task_id)
        if edit is None:
            return None
        if edit.put_back is not None:
            return self._put_back_failed(edit, failure_after_revert("MiCollab refused it", residue), now)
        if edit.failure is None:
            # platform.events and micollab.events are separate topics: the revert may be read before the
            # MiCollab failure it answers, whose reason the edit's task should carry
            edit.reverted_early(residue)
            self.timeline.add(
                now, "MiVB put back, ahead of the failure it answers", ", ".join(residue) or "nothing left"
            )
            return []
        return self._end_update(edit, failure_after_revert(edit.failure, residue), now)

    def _edit_reported_by(self, task_id: str) -> PendingUpdate | None:
        """The edit a platform's report is about, as it stands; None for a late report or another edit's."""
        edit = self.edit
        if self.record.status is not Status.UPDATING or edit is None or not edit.reported_by(task_id):
            return None
        return edit

    def _start_update(self, edit: PendingUpdate, now: datetime) -> Events:
        self.record.enter(Status.UPDATING, now)
        self.timeline.add(now, "edit requested", "UPDATING")
        requested = ev.CustomerUpdateRequested(
            customer_id=self.customer_id, task_id=edit.task_id, before=self.record.spec, after=edit.after
        )
        return [requested]

    def _end_update(self, edit: PendingUpdate, reason: str, now: datetime) -> Events:
        """The edit did not happen: the customer stays exactly as it was."""
        self.edit = None
        self.record.enter(Status.ACTIVE, now)
        self.timeline.add(now, "edit failed, customer unchanged", reason)
        task = self.tasks.running(edit.task_id)
        failed = ev.CustomerUpdateFailed(
            customer_id=self.customer_id,
            task_id=task.task_id,
            webid=self.webid,
            reason=reason,
            violations=edit.violations,
        )
        return [failed, *self.tasks.close(self.customer_id, task, now, reason)]

    # DID ranges (R12)

    def held_ranges(self) -> list[DidRange]:
        return ordered(self.record.spec.did_ranges)

    def unheld(self, did_range: DidRange) -> list[DidRange]:
        """The numbers of the range the customer neither holds nor is acquiring: what it gives back to the group
        (a late report about another change of the same numbers must not give away those still changing)."""
        return uncovered(self._numbers(), did_range)

    def _numbers(self) -> list[DidRange]:
        """The numbers it holds, and those it is acquiring: an addition under way or waiting (R25). (A removal's
        numbers are held until it is done.)"""
        adding = [op.did_range for op in self.dids.operations if op.adds]
        queued = [q.did_range for q in self.waiting.queued if q.kind is TaskKind.ADD_DID_RANGE and q.did_range]
        return [*self.record.spec.did_ranges, *adding, *queued]

    def numbers_given_back(self) -> list[DidRange]:
        """A customer that failed or is deleted holds no numbers on its group any more (R12, R23); one that
        was rejected never held the ranges it asked for, whatever their shape."""
        if self.record.status.holds_webid:
            return []
        return [r for r in self.record.spec.did_ranges if not check_did_range(r)]

    def request_did_change(
        self, task_id: str, kind: TaskKind, did_range: DidRange, violations: Sequence[Violation], now: datetime
    ) -> Events:
        """R12: the range's shape (`violations`, and numbers another customer of the group holds, which only
        the group-wide index knows), then the customer's own ranges: an added range overlaps none of them,
        removed numbers are all held."""
        if violations:
            raise Refused.breaking(violations)
        self.record.ensure_dids_changeable()
        DidOperations.check(kind, did_range, self.held_ranges())
        self.tasks.start(task_id, kind, now)
        operation = self.dids.start(task_id, kind, did_range, now)
        self.timeline.add(now, f"{kind} requested", did_range.text())
        return [operation.requested(self.customer_id, self.record.spec.platform.platform_group_id)]

    def did_change_done(self, task_id: str, now: datetime, failure: str | None = None) -> Events | None:
        operation = self.dids.finish(task_id)
        if operation is None:
            return None
        task = self.tasks.running(operation.task_id)
        if operation.undoing is not None:
            outcome = f"undoing it failed: {failure}; {ROLLBACK_ADVICE}" if failure else "undone on the MiVB"
            self.timeline.add(now, f"{operation.kind} given up", outcome)
            return self.tasks.close(self.customer_id, task, now, f"{operation.undoing}; {outcome}")
        if failure:
            self.timeline.add(now, f"{operation.kind} failed", failure)
            return self.tasks.close(self.customer_id, task, now, failure)
        ranges = operation.applied_to(self.held_ranges())
        self.record.spec = self.record.spec.model_copy(update={"did_ranges": ranges})
        self.timeline.add(now, f"{operation.kind} done", operation.did_range.text())
        return [operation.done(self.customer_id), *self.tasks.close(self.customer_id, task, now)]

    # deletion (R23) and demo mode (R24)

    def request_deletion(self, task_id: str, now: datetime) -> Events:
        """R23: off every platform, then out of our records. R24: a demo customer only leaves our records."""
        self.record.ensure_deletable()
        self.tasks.start(task_id, TaskKind.DELETE, now)
        if self.record.leaves_platforms_alone:
            self.undo.found(PLATFORMS, self.record.placement(self.customer_id) if self.record.demo else [])
            return self._conclude_deletion(now)
        self.record.enter(Status.DELETING, now)
        self.undo.wait_for(PLATFORM, MICOLLAB)
        self.timeline.add(now, "deletion requested", "DELETING")
        return [ev.CustomerDeletionRequested(customer_id=self.customer_id, task_id=task_id)]

    def convert_to_demo(self, task_id: str, now: datetime) -> Events:
        """R24: one-way; a demo customer can only be deleted."""
        self.record.ensure_convertible()
        self.record.demo = True
        task = self.tasks.start(task_id, TaskKind.CONVERT_TO_DEMO, now)
        self.timeline.add(now, "converted to demo mode", "edits and logins disabled; it can only be deleted")
        converted = ev.CustomerConvertedToDemo(customer_id=self.customer_id, task_id=task_id, webid=self.webid)
        return [converted, *self.tasks.close(self.customer_id, task, now)]

    def _conclude_deletion(self, now: datetime, given_up_because: str | None = None) -> Events:
        [task] = self.tasks.pending(TaskKind.DELETE)
        left = self.undo.left()
        if left and not self.record.demo:
            self.record.enter(Status.DELETION_FAILED, now)
            reason = f"left behind: {', '.join(left)}; {ROLLBACK_ADVICE}"
            if given_up_because:
                reason = f"{given_up_because}; {reason}"
            self.timeline.add(now, "deletion failed", reason)
            failed = ev.CustomerDeletionFailed(
                customer_id=self.customer_id, task_id=task.task_id, webid=self.webid, reason=reason, residue=left
            )
            return [failed, *self.tasks.close(self.customer_id, task, now, reason)]
        self.record.enter(Status.DELETED, now)
        self.timeline.add(
            now, "customer deleted", f"left on the platforms: {', '.join(left)}" if left else "nothing left"
        )
        deleted = ev.CustomerDeleted(customer_id=self.customer_id, task_id=task.task_id, webid=self.webid, residue=left)
        return [deleted, *self.tasks.close(self.customer_id, task, now)]

    # deadlines: no customer waits forever

    def waits(self) -> list[Waiting]:
        """The work under way, each with the task it is for: the customer's own stage, and its DID changes."""
        stage = self._stage()
        return [*([stage] if stage else []), *(op.waiting() for op in self.dids.operations)]

    def next_due(self, deadlines: Deadlines) -> datetime | None:
        return min((deadlines.due(waiting) for waiting in self.waits()), default=None)

    def overdue(self, deadlines: Deadlines, now: datetime) -> list[Waiting]:
        return [waiting for waiting in self.waits() if deadlines.due(waiting) <= now]

    def pass_deadline(self, task_id: str, deadlines: Deadlines, now: datetime) -> Events | None:
        """The task's work is given up if its deadline passed; None when it has not (or no more)."""
        waiting = next((w for w in self.overdue(deadlines, now) if w.task_id == task_id), None)
        return None if waiting is None else self._give_up(waiting, deadlines.passed(waiting.wait), now)

    def fail_task(self, task_id: str, now: datetime) -> Events | None:
        """The SP gives up on a stuck task, as if its deadline passed; one waiting for another (R25) is simply
        refused. None when the task is not open."""
        task = self.tasks.get(task_id)
        if task is None or task.status is not TaskStatus.PENDING:
            return None
        queued = self.waiting.get(task_id)
        if queued is not None:
            self.waiting.drop(task_id)
            return self.tasks.close(
                self.customer_id, task, now, f"{SP_FAILED} while waiting for task {queued.waiting_for}"
            )
        [waiting] = [w for w in self.waits() if w.task_id == task_id]
        return self._give_up(waiting, SP_FAILED, now)

    def _stage(self) -> Waiting | None:
        """The wait of its status, for the task under way. (Every document write asks: it never raises.)"""
        status, since, edit = self.record.status, self.record.since, self.edit
        under_way = {task.kind: task.task_id for task in self.tasks.pending()}
        if status is Status.PROVISIONING and TaskKind.CREATE in under_way:
            awaited = "platform-svc and micollab-svc to create the customer"
            return Waiting(Wait.CREATE, under_way[TaskKind.CREATE], since, awaited)
        undoing = under_way.get(TaskKind.CREATE) or under_way.get(TaskKind.RETRY_ROLLBACK)
        if status is Status.ROLLING_BACK and undoing is not None:
            return Waiting(Wait.ROLLBACK, undoing, since, f"{self.undo.awaited()} to undo the create")
        if status is Status.DELETING and TaskKind.DELETE in under_way:
            awaited = f"{self.undo.awaited()} to remove the customer"
            return Waiting(Wait.DELETION, under_way[TaskKind.DELETE], since, awaited)
        if status is Status.AWAITING_CONFIRMATION and edit is not None:
            awaited = "the customer to confirm the billing change (R27)"
            return Waiting(Wait.CONFIRMATION, edit.task_id, since, awaited)
        if status is Status.UPDATING and edit is not None:
            return Waiting(Wait.UPDATE, edit.task_id, since, edit.awaited())
        return None

    def _give_up(self, waiting: Waiting, why: str, now: datetime) -> Events:
        """The work is given up and undone exactly as a participant's failure would: a create rolls back (R20),
        an edit or a DID change is put back (R22, R12), a rollback or a deletion ends failed with what may be
        left (R21, R23)."""
        reason = given_up(why, waiting)
        match waiting.wait:
            case Wait.CREATE:
                return self._roll_back_create(reason, now)
            case Wait.ROLLBACK:
                self.undo.give_up(why)
                return self._conclude_rollback(f"{self.record.reason}; {reason}" if self.record.reason else reason, now)
            case Wait.DELETION:
                self.undo.give_up(why)
                return self._conclude_deletion(now, reason)
            case Wait.CONFIRMATION:
                return self._end_update(self._edit_of(waiting), reason, now)
            case Wait.UPDATE:
                return self._put_back(self._edit_of(waiting), reason, now)
            case Wait.DID_CHANGE:
                return self._undo_did_change(waiting.task_id, reason, now)

    def _roll_back_create(self, reason: str, now: datetime) -> Events:
        """Any step of the create may have been taken: both participants undo theirs, as a rollback retry asks."""
        self.record.enter(Status.ROLLING_BACK, now)
        self.record.reason = reason
        self.undo.wait_for(PLATFORM, MICOLLAB)
        self.undo.early = {}  # platform-svc answers the request below, whatever it reported before
        self.timeline.add(now, "create given up, every step undone", reason)
        create = self.tasks.first(TaskKind.CREATE).task_id
        return [ev.RollbackRetryRequested(customer_id=self.customer_id, task_id=create)]

    def _put_back(self, edit: PendingUpdate, reason: str, now: datetime) -> Events:
        """The platforms may carry part of the edit: they are asked to carry the customer as it was (R22). An
        edit whose put-back is given up as well ends with what may be left."""
        if edit.put_back is not None:
            return self._end_update(edit, f"{edit.put_back}; {reason}; {ROLLBACK_ADVICE}", now)
        edit.put_back = f"{edit.failure}; {reason}" if edit.failure else reason
        self.record.enter(Status.UPDATING, now)
        self.timeline.add(now, "edit given up, putting the customer back as it was", reason)
        carried = edit.after.model_copy(update={"did_ranges": self.record.spec.did_ranges})
        put_back = ev.CustomerUpdateRequested(
            customer_id=self.customer_id, task_id=edit.put_back_task_id, before=carried, after=self.record.spec
        )
        return [put_back]

    def _put_back_failed(self, edit: PendingUpdate, failure: str, now: datetime) -> Events:
        return self._end_update(edit, f"{edit.put_back}; putting it back failed: {failure}; {ROLLBACK_ADVICE}", now)

    def _undo_did_change(self, task_id: str, reason: str, now: datetime) -> Events:
        """The MiVB may have made the change: it is asked to undo it (R12). A change whose undo is given up as
        well fails with what may be left."""
        operation = self.dids.of_task(task_id)
        if operation.undoing is not None:
            self.dids.finish(operation.reported_task_id)
            self.timeline.add(now, f"{operation.kind} given up", reason)
            failure = f"{operation.undoing}; {reason}; {ROLLBACK_ADVICE}"
            return self.tasks.close(self.customer_id, self.tasks.running(task_id), now, failure)
        undo = self.dids.give_up(task_id, reason, now)
        self.timeline.add(now, f"{operation.kind} given up, undoing it", reason)
        return [undo.requested(self.customer_id, self.record.spec.platform.platform_group_id)]

    def _edit_of(self, waiting: Waiting) -> PendingUpdate:
        if self.edit is None or self.edit.task_id != waiting.task_id:
            raise LookupError(f"no edit under way for task {waiting.task_id}")
        return self.edit

    # what the customer keeps: its numbers (R12), a bounded document

    def claims(self, group: str, did_range: DidRange) -> bool:
        """Whether the customer holds any of these numbers of its group or is acquiring them (its create, an
        addition under way or waiting, R25): what the group-wide index asks before taking a claim over (R12)."""
        if not self.record.status.holds_webid or self.record.spec.platform.platform_group_id != group:
            return False
        return any(did_range.overlaps(numbers) for numbers in self._numbers())

    def kept_tasks(self, closed: int) -> list[Task]:
        return self.tasks.kept(closed, {queued.waiting_for for queued in self.waiting.queued})

    # requests and their tasks (R25)

    def task(self, task_id: str) -> Task | None:
        return self.tasks.get(task_id)

    def task_id_for(self, correlation_id: str, message_id: str | None, kind: TaskKind) -> str:
        return self.tasks.id_for(correlation_id, message_id, kind)

    def take(
        self,
        task_id: str,
        kind: TaskKind,
        now: datetime,
        act: Callable[[], Events],
        *,
        changes: CustomerChanges | None = None,
        did_range: DidRange | None = None,
    ) -> Events | None:
        """A request on this customer: it waits for the unfinished task it depends on (R25, with what it
        needs to run later: `changes`, `did_range`), or `act` runs it now. A refusal fails its task with the
        reason and the rules broken. None: it already waits for that task, or already runs."""
        task = self.tasks.get(task_id)
        if task is not None and task.status is TaskStatus.PENDING and self.waiting.get(task_id) is None:
            return None  # a resumption read before the request ran, or the request again: never wait for itself
        if kind in WAITABLE:
            blocking = blocker(self.tasks, kind, did_range, self.dids.ranges())
            if blocking is not None:
                return self._wait(QueuedRequest(task_id, kind, blocking.task_id, changes, did_range), blocking, now)
            self.waiting.drop(task_id)
        try:
            return act()
        except Refused as refusal:
            task = self.tasks.start(task_id, kind, now, refusal.violations)
            return self.tasks.close(self.customer_id, task, now, refusal.reason, refused=True)

    def ready_to_resume(self) -> list[tuple[QueuedRequest, Task]]:
        """Queued requests whose awaited task finished: each with that task, to run it or to refuse it."""
        return self.waiting.ready(self.tasks)

    def give_up(self, queued: QueuedRequest, awaited: Task, now: datetime) -> Events | None:
        """R25: the task a request waited for failed, so the request is refused naming it (unless another
        unfinished task now holds it up)."""
        reason = f"it waited for task {awaited.task_id} ({awaited.kind}), which failed: {awaited.reason}"

        def refuse() -> Events:
            raise Refused(reason)

        return self.take(queued.task_id, queued.kind, now, refuse, changes=queued.changes, did_range=queued.did_range)

    def _wait(self, request: QueuedRequest, blocking: Task, now: datetime) -> Events | None:
        queued = self.waiting.get(request.task_id)
        if queued is not None and queued.waiting_for == blocking.task_id:
            return None
        # new, or resumed only to find another unfinished task in its way: it now waits for that one
        self.waiting.put(request)
        self.tasks.start(request.task_id, request.kind, now, waiting_for=blocking.task_id)
        self.timeline.add(now, f"{request.kind} waits", f"for task {blocking.task_id} ({blocking.kind})")
        return []
