"""Adding and removing the customer's DID ranges (R12)."""

from datetime import datetime

from customer_svc.domain.did_ranges import Span, covered_by, remove
from customer_svc.domain.lifecycle import Lifecycle
from customer_svc.domain.record import DidOperation, Refused, Rejected, Status
from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import DidRange


class DidChanges(Lifecycle):
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
