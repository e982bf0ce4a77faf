"""The steps a customer went through, as its caller reads them (the saga's timeline)."""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Step:
    at: datetime
    step: str
    outcome: str


@dataclass
class Timeline:
    steps: list[Step] = field(default_factory=list)

    def add(self, now: datetime, step: str, outcome: str) -> None:
        self.steps.append(Step(now, step, outcome))

    def has(self, step: str) -> bool:
        return any(taken.step == step for taken in self.steps)

    def recent(self, kept: int) -> list[Step]:
        """The last `kept` steps: what a customer keeps of its timeline, so that its document stays bounded."""
        return self.steps[max(len(self.steps) - kept, 0) :]
