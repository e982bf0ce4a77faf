"""A task: one asynchronous request on a customer, with a status the caller can follow."""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


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

    @classmethod
    def start(cls, task_id: str, kind: str, now: datetime) -> "Task":
        return cls(task_id, kind, TaskStatus.PENDING, now)

    def finish(self, status: TaskStatus, now: datetime, reason: str | None = None) -> "Task":
        if self.status is not TaskStatus.PENDING:
            return self
        return replace(self, status=status, finished_at=now, reason=reason)
