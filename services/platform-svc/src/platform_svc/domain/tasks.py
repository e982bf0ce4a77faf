"""The tasks (edits, DID range changes) an assignment has answered, one record per task id.

A task is decided once: the same request or reply in a new envelope (which `applied` does not catch)
finds its record and changes nothing, so a late or repeated event never moves a task backwards.
"""

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

TASKS_KEPT = 64
"""Per assignment; a task comes back, if ever, within a few tasks of its own, far fewer than this."""


class TaskKind(StrEnum):
    EDIT = "edit"
    DID_ADDITION = "did_addition"
    DID_REMOVAL = "did_removal"


class Outcome(StrEnum):
    DONE = "DONE"  # a DID range added or removed
    APPLIED = "APPLIED"  # an edit the MiVB carries; `body` and `previous` (to put back, R22) recorded with it
    UNCHANGED = "UNCHANGED"  # an edit with nothing for the MiVB
    FAILED = "FAILED"
    REVERTED = "REVERTED"  # after MiCollab failed: the MiVB is back as before (or never changed)
    REVERT_FAILED = "REVERT_FAILED"


def task_record(task_id: str, kind: TaskKind, outcome: Outcome, **details: Any) -> dict[str, Any]:
    return {"task_id": task_id, "kind": kind.value, "outcome": outcome.value, **details}


def find_task(doc: Mapping[str, Any] | None, task_id: str) -> dict[str, Any] | None:
    if doc is None:
        return None
    return next((task for task in doc.get("tasks", []) if task["task_id"] == task_id), None)


def with_task(doc: Mapping[str, Any] | None, record: dict[str, Any]) -> dict[str, Any]:
    """The `tasks` change: the record replaces one of the same task; beyond TASKS_KEPT the oldest go."""
    kept = [task for task in (doc or {}).get("tasks", []) if task["task_id"] != record["task_id"]]
    return {"tasks": [*kept, record][-TASKS_KEPT:]}
