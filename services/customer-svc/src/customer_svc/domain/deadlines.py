"""Deadlines: how long a customer may wait for each kind of work. Past its deadline, or when the SP fails its
task, the owner gives the work up and undoes it as a participant's failure would (R20-R23), so no customer
stays pending forever."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Wait(StrEnum):
    CREATE = "create"
    """PROVISIONING: platform-svc and micollab-svc make the customer (R20)."""
    UPDATE = "update"
    """UPDATING: the platforms carry an edit, or put one back (R22)."""
    CONFIRMATION = "confirmation"
    """AWAITING_CONFIRMATION: the customer's answer to a billing change (R27)."""
    DID_CHANGE = "did-change"
    """The MiVB adds or removes a DID range, or undoes that (R12)."""
    DELETION = "deletion"
    """DELETING: the platforms remove the customer (R23)."""
    ROLLBACK = "rollback"
    """ROLLING_BACK: the platforms undo a create (R20, R21)."""


@dataclass(frozen=True)
class Waiting:
    """Work under way: what kind, on behalf of which task, since when, and what it waits for."""

    wait: Wait
    task_id: str
    since: datetime
    awaited: str
    """As a reason reads it: `platform-svc and micollab-svc to create the customer`."""


@dataclass(frozen=True)
class Deadlines:
    """Seconds each wait may last (`MMP_DEADLINE_<WAIT>_SECONDS`)."""

    create: float = 600.0
    update: float = 600.0
    confirmation: float = 7 * 24 * 3600.0
    """The customer, not a machine, answers this one."""
    did_change: float = 600.0
    deletion: float = 600.0
    rollback: float = 600.0

    def seconds(self, wait: Wait) -> float:
        return {
            Wait.CREATE: self.create,
            Wait.UPDATE: self.update,
            Wait.CONFIRMATION: self.confirmation,
            Wait.DID_CHANGE: self.did_change,
            Wait.DELETION: self.deletion,
            Wait.ROLLBACK: self.rollback,
        }[wait]

    @property
    def longest(self) -> float:
        return max(self.seconds(wait) for wait in Wait)

    def due(self, waiting: Waiting) -> datetime:
        return waiting.since + timedelta(seconds=self.seconds(waiting.wait))

    def passed(self, wait: Wait) -> str:
        seconds = f"{self.seconds(wait):.3f}".rstrip("0").rstrip(".")
        return f"deadline of {seconds} s passed"


SP_FAILED = "failed by the service provider"
"""Why a task the SP failed by hand (`POST /api/v1/tasks/{id}/fail`) was given up."""


def given_up(why: str, waiting: Waiting) -> str:
    """The reason a task given up on carries."""
    return f"{why} while waiting for {waiting.awaited}"
