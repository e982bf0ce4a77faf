"""A request about a customer that does not exist: an unknown customer id, or a WebID no live customer holds.
Its task fails at once and says so (TaskFailed), so a BSS that sent it over Kafka hears back; it stays readable
by its id like any other task."""

from dataclasses import dataclass
from datetime import datetime

from customer_svc.domain.tasks import Task, TaskList
from mmp_contracts import Message, Violation
from mmp_contracts.tasks import TaskKind


@dataclass
class RefusedRequest:
    customer_id: str
    """As the request named it; empty when it named a WebID."""
    webid: str | None
    task: Task

    @classmethod
    def of_unknown_customer(
        cls, task_id: str, kind: TaskKind, customer_id: str, now: datetime
    ) -> tuple["RefusedRequest", list[Message]]:
        return cls._refused(task_id, kind, now, customer_id, None, "customer_id", f"no customer {customer_id}")

    @classmethod
    def of_unknown_webid(
        cls, task_id: str, kind: TaskKind, webid: str, now: datetime
    ) -> tuple["RefusedRequest", list[Message]]:
        return cls._refused(task_id, kind, now, "", webid, "webid", f"no live customer has WebID {webid!r}")

    @classmethod
    def _refused(
        cls, task_id: str, kind: TaskKind, now: datetime, customer_id: str, webid: str | None, field: str, reason: str
    ) -> tuple["RefusedRequest", list[Message]]:
        tasks = TaskList()
        task = tasks.start(task_id, kind, now, [Violation(field=field, rule="not_found", message=reason)])
        failed = tasks.close(customer_id, task, now, reason, refused=True)
        [closed] = tasks
        return cls(customer_id, webid, closed), failed
