"""Tasks: each asynchronous request on a customer, with a status the caller can follow."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from mmp_contracts import Message, Violation
from mmp_contracts import events as ev


class TaskStatus(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Task:
    task_id: str
    kind: str
    status: TaskStatus
    created_at: datetime
    finished_at: datetime | None = None
    reason: str | None = None
    refused: bool = False
    """Failed before it started: the request did not apply to the customer as it was."""
    violations: tuple[Violation, ...] = ()
    waiting_for: str | None = None
    """R25: the unfinished task this one waits for before it runs."""

    @classmethod
    def start(cls, task_id: str, kind: str, now: datetime, violations: Sequence[Violation] = ()) -> "Task":
        return cls(task_id, kind, TaskStatus.PENDING, now, violations=tuple(violations))

    def finish(self, status: TaskStatus, now: datetime, reason: str | None = None, refused: bool = False) -> "Task":
        if self.status is not TaskStatus.PENDING:
            return self
        return replace(self, status=status, finished_at=now, reason=reason, refused=refused)


class TaskList(list[Task]):
    """A customer's tasks; closing one says so on customer.events (TaskCompleted / TaskFailed)."""

    def start(
        self,
        task_id: str,
        kind: str,
        now: datetime,
        violations: Sequence[Violation] = (),
        waiting_for: str | None = None,
    ) -> Task:
        """Starts a task, or resumes the one of that id that waited (R25), keeping when it was asked for."""
        task = Task.start(task_id, kind, now, violations)
        for index, existing in enumerate(self):
            if existing.task_id == task_id:
                task = replace(task, created_at=existing.created_at)
                self[index] = replace(task, waiting_for=waiting_for)
                return self[index]
        self.append(replace(task, waiting_for=waiting_for))
        return self[-1]

    def pending(self, kind: str | None = None) -> list[Task]:
        """Tasks under way (not those still waiting for another, R25)."""
        return [t for t in self if t.status is TaskStatus.PENDING and t.waiting_for is None and kind in (None, t.kind)]

    def close(
        self, customer_id: str, task: Task, now: datetime, reason: str | None = None, refused: bool = False
    ) -> list[Message]:
        """Completes the task, or fails it when a reason is given."""
        status = TaskStatus.FAILED if reason else TaskStatus.COMPLETED
        index = next(i for i, t in enumerate(self) if t.task_id == task.task_id)
        self[index] = task.finish(status, now, reason, refused)
        if reason:
            return [ev.TaskFailed(customer_id=customer_id, task_id=task.task_id, kind=task.kind, reason=reason)]
        return [ev.TaskCompleted(customer_id=customer_id, task_id=task.task_id, kind=task.kind)]
