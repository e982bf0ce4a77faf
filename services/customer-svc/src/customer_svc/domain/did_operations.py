"""The customer's DID changes under way (R12): each a task adding or removing one range, until the MiVB
has done it; or, once given up (its deadline passed, or the SP failed it), until the MiVB has undone it."""

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from customer_svc.domain.deadlines import Wait, Waiting
from customer_svc.domain.did_ranges import covered_by, ordered, remove
from customer_svc.domain.refusal import Refused
from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.customer_spec import DidRange
from mmp_contracts.tasks import TaskKind


@dataclass(frozen=True)
class DidOperation:
    task_id: str
    kind: TaskKind
    did_range: DidRange
    since: datetime
    """When the MiVB was asked: to make the change, or to undo it."""
    undoing: str | None = None
    """Why the change was given up: the MiVB is asked to take an added range back, or to put a removed one
    back, under `undo_task_id`; the task fails once it has (or could not)."""

    @property
    def adds(self) -> bool:
        return self.kind is TaskKind.ADD_DID_RANGE

    @property
    def undo_task_id(self) -> str:
        return f"{self.task_id}/undo"

    @property
    def reported_task_id(self) -> str:
        """The task id the MiVB's report carries: the change's own, or, once given up, its undo's."""
        return self.task_id if self.undoing is None else self.undo_task_id

    def waiting(self) -> Waiting:
        verb = ("take back" if self.adds else "put back") if self.undoing else ("add" if self.adds else "remove")
        return Waiting(Wait.DID_CHANGE, self.task_id, self.since, f"the MiVB to {verb} {self.did_range.text()}")

    def requested(self, customer_id: str, platform_group_id: str) -> Message:
        """What asks platform-svc to do it on the MiVB; an undo asks for the opposite."""
        task_id, did_range = self.reported_task_id, self.did_range
        if self.adds == (self.undoing is None):
            return ev.DidRangeAdditionRequested(
                customer_id=customer_id, task_id=task_id, platform_group_id=platform_group_id, did_range=did_range
            )
        return ev.DidRangeRemovalRequested(
            customer_id=customer_id, task_id=task_id, platform_group_id=platform_group_id, did_range=did_range
        )

    def done(self, customer_id: str) -> Message:
        if self.adds:
            return ev.DidRangeAdded(customer_id=customer_id, task_id=self.task_id, did_range=self.did_range)
        return ev.DidRangeRemoved(customer_id=customer_id, task_id=self.task_id, did_range=self.did_range)

    def applied_to(self, held: Sequence[DidRange]) -> list[DidRange]:
        """The customer's ranges once the MiVB did it; removing part of a range splits it (R12)."""
        return ordered([*held, self.did_range]) if self.adds else remove(held, self.did_range)


@dataclass
class DidOperations:
    operations: list[DidOperation] = field(default_factory=list)

    @staticmethod
    def check(kind: TaskKind, did_range: DidRange, held: Sequence[DidRange]) -> None:
        """R12 within the customer: an added range overlaps none it holds; only held numbers are removed.
        (Other customers of the group are the group-wide index's to check.)"""
        if kind is TaskKind.ADD_DID_RANGE and any(did_range.overlaps(h) for h in held):
            message = f"{did_range.text()} overlaps a range the customer holds"
            raise Refused.breaking([Violation(field="did_range", rule="R12", message=message)])
        if kind is TaskKind.REMOVE_DID_RANGE and not covered_by(held, did_range):
            message = f"the customer does not hold all of {did_range.text()}"
            raise Refused.breaking([Violation(field="did_range", rule="R12", message=message)])

    def start(self, task_id: str, kind: TaskKind, did_range: DidRange, now: datetime) -> DidOperation:
        operation = DidOperation(task_id, kind, did_range, now)
        self.operations.append(operation)
        return operation

    def of_task(self, task_id: str) -> DidOperation:
        [operation] = [op for op in self.operations if op.task_id == task_id]
        return operation

    def give_up(self, task_id: str, why: str, now: datetime) -> DidOperation:
        """The change is to be undone from now on."""
        undone = replace(self.of_task(task_id), undoing=why, since=now)
        self.operations = [undone if op.task_id == task_id else op for op in self.operations]
        return undone

    def finish(self, reported_task_id: str) -> DidOperation | None:
        """The operation the MiVB's report is about, now over; None when the report is late or not ours."""
        operation = next((op for op in self.operations if op.reported_task_id == reported_task_id), None)
        if operation is not None:
            self.operations.remove(operation)
        return operation

    def ranges(self) -> dict[str, DidRange]:
        """The numbers still changing, by the task changing them (R25)."""
        return {op.task_id: op.did_range for op in self.operations}
