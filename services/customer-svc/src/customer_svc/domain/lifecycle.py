"""Deleting a customer (R23) and demo mode (R24)."""

from datetime import datetime

from customer_svc.domain.record import ROLLBACK_ADVICE, CustomerRecord, Refused, Status
from mmp_contracts import Message
from mmp_contracts import events as ev


class Lifecycle(CustomerRecord):
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


def placement(customer: CustomerRecord) -> list[str]:
    """What a customer holds on its platforms, as an SP would look for it when cleaning by hand (R24)."""
    spec, customer_id = customer.spec, customer.customer_id
    dids = ", ".join(f"{r.start}-{r.end}" for r in spec.did_ranges) or "no DIDs"
    bundles = ", ".join(b.bundle_id for b in spec.service_bundles) or "no bundles"
    return [
        f"MiVB tenant {customer_id} on {spec.platform.platform_group_id} ({dids})",
        f"MBG customer {customer_id} with SIP user {spec.first_user.username}",
        f"MiCollab tenant {customer_id} ({bundles}) with user {spec.first_user.username}",
    ]
