"""Tasks: each asynchronous request on a customer, with a status the caller can follow."""

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum

from mmp_contracts import Message, Violation
from mmp_contracts import events as ev
from mmp_contracts.tasks import TaskKind


class TaskStatus(StrEnum):
    PENDING = "PENDING"
    COMPLETED = "COMPLETED"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Task:
    task_id: str
    kind: TaskKind
    status: TaskStatus
    created_at: datetime
    finished_at: datetime | None = None
    reason: str | None = None
    refused: bool = False
    """Failed before it started: the request did not apply to the customer as it was."""
    violations: tuple[Violation, ...] = ()
    waiting_for: str | None = None
    """R25: the unfinished task this one waits for before it runs."""

    def finish(self, status: TaskStatus, now: datetime, reason: str | None = None, refused: bool = False) -> "Task":
        if self.status is not TaskStatus.PENDING:
            return self
        return replace(self, status=status, finished_at=now, reason=reason, refused=refused)


@dataclass
class TaskList:
    """A customer's tasks; closing one says so on customer.events (TaskCompleted / TaskFailed)."""

    tasks: list[Task] = field(default_factory=list)

    def __iter__(self) -> Iterator[Task]:
        return iter(self.tasks)

    def get(self, task_id: str) -> Task | None:
        return next((task for task in self.tasks if task.task_id == task_id), None)

    def first(self, kind: TaskKind) -> Task:
        return next(task for task in self.tasks if task.kind is kind)

    def id_for(self, correlation_id: str, message_id: str | None, kind: TaskKind) -> str:
        """A request's task is named by its correlation id, unless a BSS reused that id for a request of
        another kind: that task must not be overwritten, so the message id names this one."""
        reused = any(task.task_id == correlation_id and task.kind is not kind for task in self.tasks)
        return message_id if reused and message_id else correlation_id

    def start(
        self,
        task_id: str,
        kind: TaskKind,
        now: datetime,
        violations: Sequence[Violation] = (),
        waiting_for: str | None = None,
    ) -> Task:
        """Starts a task, or resumes the one of that id that waited (R25), keeping when it was asked for."""
        existing = self.get(task_id)
        task = Task(
            task_id,
            kind,
            TaskStatus.PENDING,
            existing.created_at if existing else now,
            violations=tuple(violations),
            waiting_for=waiting_for,
        )
        self.tasks = [task if t.task_id == task_id else t for t in self.tasks] if existing else [*self.tasks, task]
        return task

    def pending(self, kind: TaskKind | None = None) -> list[Task]:
        """Tasks under way (not those still waiting for another, R25)."""
        return [
            t
            for t in self.tasks
            if t.status is TaskStatus.PENDING and t.waiting_for is None and (kind is None or t.kind is kind)
        ]

    def running(self, task_id: str) -> Task:
        """The task of that id under way."""
        [task] = [t for t in self.pending() if t.task_id == task_id]
        return task

    def kept(self, closed: int, awaited: Collection[str]) -> list[Task]:
        """What a customer keeps of its tasks, so that its document stays bounded: every open task, the create
        (which names the customer's origin), the tasks queued requests wait on (R25, `awaited`), and the
        `closed` that closed last."""
        closed_tasks = [
            t
            for t in self.tasks
            if t.status is not TaskStatus.PENDING and t.kind is not TaskKind.CREATE and t.task_id not in awaited
        ]
        closed_tasks.sort(key=lambda t: t.finished_at or t.created_at)
        dropped = {t.task_id for t in closed_tasks[: max(len(closed_tasks) - closed, 0)]}
        return [t for t in self.tasks if t.task_id not in dropped]

    def close(
        self, customer_id: str, task: Task, now: datetime, reason: str | None = None, refused: bool = False
    ) -> list[Message]:
        """Completes the task, or fails it when a reason is given."""
        status = TaskStatus.FAILED if reason else TaskStatus.COMPLETED
        finished = task.finish(status, now, reason, refused)
        self.tasks = [finished if t.task_id == task.task_id else t for t in self.tasks]
        if reason:
            return [ev.TaskFailed(customer_id=customer_id, task_id=task.task_id, kind=task.kind, reason=reason)]
        return [ev.TaskCompleted(customer_id=customer_id, task_id=task.task_id, kind=task.kind)]
