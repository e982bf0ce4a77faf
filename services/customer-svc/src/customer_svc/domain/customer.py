"""The customer and its create saga: which event moves it where, and what it then announces.

Every transition is guarded on the current status, so a late or repeated event never moves the
saga backwards (it returns no events and changes nothing). The other requests live beside it:
edits (edits.py), DID ranges (did_changes.py), delete and demo mode (lifecycle.py).
"""

from collections.abc import Mapping
from datetime import datetime

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.editing import usage
from customer_svc.domain.edits import Edits, sold
from customer_svc.domain.record import ROLLBACK_ADVICE, DidOperation, Refused, Rejected, Status
from customer_svc.domain.tasks import Task, TaskList, TaskStatus
from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import CustomerSpec

__all__ = ["Customer", "DidOperation", "Refused", "Rejected", "Status"]


class Customer(Edits):
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
        early = self.undone_early.pop("platform", None)
        return self.undo_reported("platform", early["residue"], early["detail"], now) if early else []

    def undo_reported(self, part: str, residue: list[str], detail: str, now: datetime) -> list[Message]:
        """A participant finished undoing its part (residue empty) or could not (residue lists what is left)."""
        if self.status is Status.PROVISIONING and part == "platform":
            # platform.events and micollab.events are separate topics: platform-svc's undo, which answers
            # the MiCollab failure, may arrive first; it is kept until that failure is read
            self.undone_early[part] = {"residue": residue, "detail": detail}
            self.record(now, f"{part} undo, ahead of the failure it answers", detail)
            return []
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
