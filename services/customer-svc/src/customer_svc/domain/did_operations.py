"""The customer's DID changes under way (R12): each a task adding or removing one range, until the MiVB
has done it."""

from collections.abc import Sequence
from dataclasses import dataclass, field

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

    @property
    def adds(self) -> bool:
        return self.kind is TaskKind.ADD_DID_RANGE

    def requested(self, customer_id: str, platform_group_id: str) -> Message:
        """What asks platform-svc to do it on the MiVB."""
        if self.adds:
            return ev.DidRangeAdditionRequested(
                customer_id=customer_id,
                task_id=self.task_id,
                platform_group_id=platform_group_id,
                did_range=self.did_range,
            )
        return ev.DidRangeRemovalRequested(
            customer_id=customer_id, task_id=self.task_id, platform_group_id=platform_group_id, did_range=self.did_range
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

    def start(self, task_id: str, kind: TaskKind, did_range: DidRange) -> DidOperation:
        operation = DidOperation(task_id, kind, did_range)
        self.operations.append(operation)
        return operation

    def finish(self, task_id: str) -> DidOperation | None:
        operation = next((op for op in self.operations if op.task_id == task_id), None)
        if operation is not None:
            self.operations.remove(operation)
        return operation

    def ranges(self) -> dict[str, DidRange]:
        """The numbers still changing, by the task changing them (R25)."""
        return {op.task_id: op.did_range for op in self.operations}
