"""R25: a request that references a record still being created or changed waits for that task, then runs,
or is refused if that task failed; a request that depends on no unfinished work runs at once."""

from dataclasses import dataclass
from typing import Any

from customer_svc.domain.did_ranges import Span
from customer_svc.domain.tasks import Task, TaskList

CUSTOMER_WIDE = ("update", "delete", "convert-to-demo")
"""Requests on the customer record itself."""
DID_CHANGES = ("add-did-range", "remove-did-range")


@dataclass(frozen=True)
class QueuedRequest:
    task_id: str
    kind: str
    payload: dict[str, Any]
    waiting_for: str


def blocker(tasks: TaskList, kind: str, span: Span | None, pending_spans: dict[str, Span]) -> Task | None:
    """The unfinished task this request depends on, if any."""
    for task in tasks.pending():
        if task.waiting_for is not None:
            continue  # a waiting request holds nothing yet
        if task.kind == "create":
            return task  # everything references the customer being created
        if kind in CUSTOMER_WIDE and task.kind in CUSTOMER_WIDE:
            return task  # two changes of the same record: the second waits
        if kind in ("delete", "convert-to-demo") and task.kind in DID_CHANGES:
            return task  # the DID records it would remove are still changing
        held = pending_spans.get(task.task_id)
        if kind in DID_CHANGES and span is not None and held is not None and held.overlaps(span):
            return task  # the same numbers are still being added or removed
    return None
