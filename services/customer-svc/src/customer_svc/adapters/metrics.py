"""customer-svc's own metrics (docs/metrics.md), on the service's registry:

- `mmp_saga_duration_seconds{kind,outcome}`: each task from its start to its end, observed where the end is
  written. Every write of a customer goes through its repository, and a task ends only in a write that also queues
  its TaskCompleted or TaskFailed; so the repository here is the service's own, observing the tasks closed by each
  write once that write is stored (a transition refused, a write lost to a concurrent one and redone, a message
  already applied: nothing is observed twice). The times are the task's own (`created_at`, `finished_at`), the
  ones its API shows.
- `mmp_customers{status}` and `mmp_saga_oldest_running_seconds{kind}`: computed from the store in the background
  (mmp_servicekit.gauges says why not at scrape time): one indexed count per status, and the oldest customers of
  each status whose saga is under way.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from prometheus_client import Gauge, Histogram

from customer_svc.domain.customer import Customer
from customer_svc.domain.record import Status
from customer_svc.domain.tasks import Task, TaskStatus
from mmp_contracts import Message
from mmp_contracts import events as ev
from mmp_contracts.tasks import TaskKind
from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Outcome, Repository, Transition

SAGA_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600)
"""From the sandbox's tenths of a second to the minutes real platforms may take."""
UNDER_WAY = (Status.PROVISIONING, Status.UPDATING, Status.DELETING, Status.ROLLING_BACK)
"""Statuses in which a participant's answer is awaited. AWAITING_CONFIRMATION waits for the customer, not for us."""
OLDEST_LOOKED_AT = 200
"""Customers read per status under way, oldest first: these are few unless something is stuck, and then the
oldest of them is what the gauge is about."""


class ObservedCustomers(Repository[Customer]):
    """The customers' repository, observing the end of every task it writes; and the store-derived gauges."""

    def __init__(self, repository: Repository[Customer], metrics: ServiceMetrics) -> None:
        super().__init__(repository.collection, repository.mapper, repository.relay, repository.source)
        self.durations = Histogram(
            "mmp_saga_duration_seconds",
            "Time from a task's start (its request) to its end (TaskCompleted or TaskFailed), by kind and outcome"
            " (completed, failed, refused: refused before any work, by the rules or the customer's state)",
            ["kind", "outcome"],
            buckets=SAGA_BUCKETS,
            registry=metrics.registry,
        )
        for kind in TaskKind:  # at 0 from the start, so rate() and increase() count the first end of each
            for outcome in ("completed", "failed"):
                self.durations.labels(kind.value, outcome)
        self.by_status = Gauge(
            "mmp_customers",
            "Customers by status (one indexed count each, refreshed in the background)",
            ["status"],
            registry=metrics.registry,
        )
        self.oldest_running = Gauge(
            "mmp_saga_oldest_running_seconds",
            "Age of the oldest task under way (PROVISIONING, UPDATING, DELETING, ROLLING_BACK customers), by kind;"
            " 0 when none",
            ["kind"],
            registry=metrics.registry,
        )

    async def create(self, aggregate: Customer, cause: Cause, events: Sequence[Message] = ()) -> bool:
        created = await super().create(aggregate, cause, events)
        if created:
            self._observe(aggregate, events)
        return created

    async def change(self, aggregate_id: str, cause: Cause, transition: Transition[Customer]) -> Outcome:
        decided: list[tuple[Customer, Sequence[Message]]] = []

        def observed(customer: Customer) -> Sequence[Message] | None:
            events = transition(customer)
            # the repository may decide again on a fresh read when another write came first: the last one is written
            decided[:] = [(customer, events or ())]
            return events

        outcome = await super().change(aggregate_id, cause, observed)
        if outcome is Outcome.CHANGED and decided:
            self._observe(*decided[0])
        return outcome

    def _observe(self, customer: Customer, events: Sequence[Message]) -> None:
        for event in events:
            if isinstance(event, ev.TaskCompleted | ev.TaskFailed):
                task = customer.task(event.task_id)
                if task is not None and task.finished_at is not None:
                    seconds = (task.finished_at - task.created_at).total_seconds()
                    self.durations.labels(task.kind.value, _outcome(customer, task)).observe(max(seconds, 0.0))

    async def refresh_gauges(self) -> None:
        """All values are read first and set together, so a scrape never sees half a round."""
        counts = {status: await self.collection.count({"status": status.value}) for status in Status}
        now = datetime.now(UTC)
        oldest = dict.fromkeys(TaskKind, 0.0)
        for status in UNDER_WAY:
            if not counts[status]:
                continue
            docs = await self.collection.find({"status": status.value}, order_by="created_at", limit=OLDEST_LOOKED_AT)
            for doc in docs:
                for task in self.mapper.from_document(doc).tasks.pending():
                    oldest[task.kind] = max(oldest[task.kind], (now - task.created_at).total_seconds())
        for status, count in counts.items():
            self.by_status.labels(status.value).set(count)
        for kind, seconds in oldest.items():
            self.oldest_running.labels(kind.value).set(seconds)


def _outcome(customer: Customer, task: Task) -> str:
    if task.status is TaskStatus.COMPLETED:
        return "completed"
    rejected_at_intake = task.kind is TaskKind.CREATE and customer.record.status is Status.REJECTED
    return "refused" if task.refused or rejected_at_intake else "failed"
