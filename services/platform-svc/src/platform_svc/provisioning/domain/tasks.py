"""The tasks (edits, DID range changes) an assignment has answered, one record per task id.

A task is decided once: the same request or reply in a new envelope (which the message-id guard does not
catch) finds its record and changes nothing, so a late or repeated event never moves a task backwards.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from mmp_contracts.tasks import TaskKind
from platform_svc.provisioning.domain.tenant import MivbTenant

TASKS_KEPT = 64
"""Per assignment; a task comes back, if ever, within a few tasks of its own, far fewer than this."""


class TaskOutcome(StrEnum):
    DONE = "DONE"  # a DID range added or removed
    APPLIED = "APPLIED"  # an edit the MiVB carries; what it sent and what to put back (R22) recorded with it
    UNCHANGED = "UNCHANGED"  # an edit with nothing for the MiVB
    FAILED = "FAILED"
    REVERTED = "REVERTED"  # after MiCollab failed: the MiVB is back as before (or never changed)
    REVERT_FAILED = "REVERT_FAILED"


@dataclass(frozen=True)
class AppliedEdit:
    mivb_url: str
    body: MivbTenant
    """The tenant the edit sent."""
    previous: MivbTenant
    """The tenant before it: what a MiCollab failure puts back (R22)."""


@dataclass(frozen=True)
class TaskRecord:
    task_id: str
    kind: TaskKind
    outcome: TaskOutcome
    did_range: str | None = None
    reason: str | None = None
    applied: AppliedEdit | None = None


def with_task(tasks: Sequence[TaskRecord], record: TaskRecord) -> list[TaskRecord]:
    """The record replaces one of the same task; beyond TASKS_KEPT the oldest go."""
    kept = [task for task in tasks if task.task_id != record.task_id]
    return [*kept, record][-TASKS_KEPT:]
