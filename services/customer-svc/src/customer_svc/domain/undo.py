"""Undoing a customer's parts on the platforms (a rollback, R20/R21, or a deletion, R23): which
participants still have to report, and what is left where."""

from collections.abc import Sequence
from dataclasses import dataclass, field

PLATFORM, MICOLLAB = "platform", "micollab"
"""The participants that undo their part: platform-svc (MiVB and MBG) and micollab-svc."""
SERVICES = {PLATFORM: "platform-svc", MICOLLAB: "micollab-svc"}
HELD = {PLATFORM: "the MiVB tenant and MBG customer", MICOLLAB: "the MiCollab tenant"}
PLATFORMS = "platforms"
"""What a demo customer leaves on every platform (R24): nothing undoes it."""

ROLLBACK_ADVICE = (
    "check the network, ping the platform, try another customer on the same platform, then retry the rollback"
)


@dataclass(frozen=True)
class UndoReport:
    residue: tuple[str, ...]
    detail: str


@dataclass
class Undo:
    awaiting: list[str] = field(default_factory=list)
    residue: dict[str, list[str]] = field(default_factory=dict)
    early: dict[str, UndoReport] = field(default_factory=dict)
    """An undo reported before the failure it answers: platform.events and micollab.events are separate
    topics, so platform-svc's undo may be read before the MiCollab failure that asked for it."""

    def found(self, part: str, residue: Sequence[str]) -> None:
        """A failure says what it left behind: that is all there is so far."""
        self.residue = {part: list(residue)} if residue else {}

    def wait_for(self, *parts: str) -> None:
        self.awaiting = list(parts)

    def reported(self, part: str, residue: Sequence[str]) -> bool:
        """A participant finished undoing (residue empty) or could not; False if its report was not awaited."""
        if part not in self.awaiting:
            return False
        self.awaiting.remove(part)
        if residue:
            self.residue = {**self.residue, part: list(residue)}
        else:
            self.residue = {k: v for k, v in self.residue.items() if k != part}
        return True

    def give_up(self, why: str) -> None:
        """The parts still awaited never answered: each may still hold what it held (R21)."""
        for part in self.awaiting:
            unconfirmed = f"{HELD[part]}: may still be there ({why} before {SERVICES[part]} answered)"
            self.residue = {**self.residue, part: [*self.residue.get(part, []), unconfirmed]}
        self.awaiting = []

    def awaited(self) -> str:
        """Who still has to report, as a reason reads it."""
        return " and ".join(SERVICES[part] for part in self.awaiting)

    @property
    def done(self) -> bool:
        return not self.awaiting

    def left(self) -> list[str]:
        return [item for items in self.residue.values() for item in items]

    def keep_early(self, part: str, residue: Sequence[str], detail: str) -> None:
        self.early[part] = UndoReport(tuple(residue), detail)

    def take_early(self, part: str) -> UndoReport | None:
        return self.early.pop(part, None)
