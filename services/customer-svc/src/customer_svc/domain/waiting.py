"""R25: a request that references a record still being created or changed waits for that task, then runs,
or is refused if that task failed; a request that depends on no unfinished work runs at once."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from customer_svc.domain.rules import check_did_range
from customer_svc.domain.tasks import Task, TaskList, TaskStatus
from mmp_contracts.customer_spec import CustomerChanges, DidRange
from mmp_contracts.tasks import TaskKind

CUSTOMER_WIDE = (TaskKind.UPDATE, TaskKind.DELETE, TaskKind.CONVERT_TO_DEMO)
"""Requests on the customer record itself."""
DID_CHANGES = (TaskKind.ADD_DID_RANGE, TaskKind.REMOVE_DID_RANGE)
WAITABLE = (*CUSTOMER_WIDE, *DID_CHANGES)


@dataclass(frozen=True)
class QueuedRequest:
    """A request waiting for a task, with what it needs to run later."""

    task_id: str
    kind: TaskKind
    waiting_for: str
    changes: CustomerChanges | None = None
    """An edit's."""
    did_range: DidRange | None = None
    """A DID change's."""


def blocker(
    tasks: TaskList, kind: TaskKind, did_range: DidRange | None, changing: Mapping[str, DidRange]
) -> Task | None:
    """The unfinished task a request depends on, if any. `changing`: the numbers still changing, by task."""
    numbers = did_range if did_range is not None and not check_did_range(did_range) else None
    for task in tasks.pending():
        if task.kind is TaskKind.CREATE:
            return task  # everything references the customer being created
        if kind in CUSTOMER_WIDE and task.kind in CUSTOMER_WIDE:
            return task  # two changes of the same record: the second waits
        if kind in (TaskKind.DELETE, TaskKind.CONVERT_TO_DEMO) and task.kind in DID_CHANGES:
            return task  # the DID records it would remove are still changing
        held = changing.get(task.task_id)
        if kind in DID_CHANGES and numbers is not None and held is not None and held.overlaps(numbers):
            return task  # the same numbers are still being added or removed
    return None


@dataclass
class WaitingRequests:
    queued: list[QueuedRequest] = field(default_factory=list)

    def get(self, task_id: str) -> QueuedRequest | None:
        return next((q for q in self.queued if q.task_id == task_id), None)

    def put(self, request: QueuedRequest) -> None:
        self.drop(request.task_id)
        self.queued.append(request)

    def drop(self, task_id: str) -> None:
        self.queued = [q for q in self.queued if q.task_id != task_id]

    def ready(self, tasks: TaskList) -> list[tuple[QueuedRequest, Task]]:
        """Queued requests whose task finished: each with that task, to run it or to refuse it."""
        finished = {t.task_id: t for t in tasks if t.status is not TaskStatus.PENDING}
        return [(q, finished[q.waiting_for]) for q in self.queued if q.waiting_for in finished]
