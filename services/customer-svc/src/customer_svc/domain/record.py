"""The customer's state and what every part of its behaviour shares: statuses, refusals, tasks, waits."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.did_ranges import Span
from customer_svc.domain.editing import PendingUpdate
from customer_svc.domain.tasks import Task, TaskList, TaskStatus
from customer_svc.domain.waiting import QueuedRequest, blocker
from mmp_contracts import Message, Violation
from mmp_contracts.customer_spec import CustomerSpec


class Status(StrEnum):
    PROVISIONING = "PROVISIONING"
    ACTIVE = "ACTIVE"
    ROLLING_BACK = "ROLLING_BACK"
    FAILED = "FAILED"
    ROLLBACK_FAILED = "ROLLBACK_FAILED"
    REJECTED = "REJECTED"
    UPDATING = "UPDATING"
    AWAITING_CONFIRMATION = "AWAITING_CONFIRMATION"
    DELETING = "DELETING"
    DELETION_FAILED = "DELETION_FAILED"
    DELETED = "DELETED"

    @property
    def holds_webid(self) -> bool:
        """R6: a WebID is unique among live customers; one left on a platform (R21) is still live."""
        return self not in (Status.FAILED, Status.REJECTED, Status.DELETED)


class Refused(Exception):
    """The request does not apply to the customer as it is; the reason says why."""


class Rejected(Refused):
    """The request breaks rules: each violation names the field and the rule."""

    def __init__(self, violations: list[Violation]) -> None:
        super().__init__("; ".join(f"{v.field}: {v.message} ({v.rule})" for v in violations))
        self.violations = violations


ROLLBACK_ADVICE = (
    "check the network, ping the platform, try another customer on the same platform, then retry the rollback"
)


@dataclass(frozen=True)
class DidOperation:
    task_id: str
    kind: str
    span: Span


@dataclass
class CustomerRecord:
    customer_id: str
    webid: str
    spec: CustomerSpec
    status: Status
    created_at: datetime
    reason: str | None = None
    violations: list[Violation] = field(default_factory=list)
    awaiting_undo: list[str] = field(default_factory=list)
    residue: dict[str, list[str]] = field(default_factory=dict)
    welcome_mail: str | None = None
    demo: bool = False
    pending_update: PendingUpdate | None = None
    did_operations: list[DidOperation] = field(default_factory=list)
    sold_bundles: dict[str, Bundle] = field(default_factory=dict)
    """The bundles as they were defined when sold: a later change of the SP's catalogue never alters them."""
    queued: list[QueuedRequest] = field(default_factory=list)
    undone_early: dict[str, dict[str, Any]] = field(default_factory=dict)
    """An undo reported before the failure it answers (they travel on different topics)."""
    """R25: requests waiting for an unfinished task of this customer."""
    steps: list[dict[str, Any]] = field(default_factory=list)
    tasks: TaskList = field(default_factory=TaskList)

    def terms(self, catalogue: Mapping[str, Bundle]) -> dict[str, Bundle]:
        """What an edit is checked against: the customer's own terms first, the catalogue for new bundles."""
        return {**catalogue, **self.sold_bundles}

    @property
    def create_task(self) -> Task:
        return next(task for task in self.tasks if task.kind == "create")

    def record(self, now: datetime, step: str, outcome: str) -> None:
        self.steps.append({"at": now.isoformat(), "step": step, "outcome": outcome})

    def wait(self, task_id: str, kind: str, payload: dict[str, Any], span: Span | None, now: datetime) -> bool:
        """R25: queues the request behind the unfinished task it depends on; False when it can run now."""
        pending_spans = {op.task_id: op.span for op in self.did_operations}
        blocking = blocker(self.tasks, kind, span, pending_spans)
        if blocking is None:
            self.queued = [q for q in self.queued if q.task_id != task_id]
            return False
        queued = next((q for q in self.queued if q.task_id == task_id), None)
        if queued is None or queued.waiting_for != blocking.task_id:
            # new, or resumed only to find another unfinished task in its way: it now waits for that one
            self.queued = [q for q in self.queued if q.task_id != task_id]
            self.queued.append(QueuedRequest(task_id, kind, payload, blocking.task_id))
            self.tasks.start(task_id, kind, now, waiting_for=blocking.task_id)
            self.record(now, f"{kind} waits", f"for task {blocking.task_id} ({blocking.kind})")
        return True

    def ready_to_resume(self) -> list[tuple[QueuedRequest, Task]]:
        """Queued requests whose task finished: each with that task, to run it or to refuse it."""
        finished = {t.task_id: t for t in self.tasks if t.status is not TaskStatus.PENDING}
        return [(q, finished[q.waiting_for]) for q in self.queued if q.waiting_for in finished]

    def did_spans(self) -> list[Span]:
        return sorted(Span.of(r.start, r.end) for r in self.spec.did_ranges)

    def refuse(
        self,
        task_id: str,
        kind: str,
        reason: str,
        now: datetime,
        violations: Sequence[Violation] = (),
    ) -> list[Message]:
        """Records a request that could not run, so its task says why (and which rules it broke)."""
        task = self.tasks.start(task_id, kind, now, violations)
        return self.tasks.close(self.customer_id, task, now, reason, refused=True)
