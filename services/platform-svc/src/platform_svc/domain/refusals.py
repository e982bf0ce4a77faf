"""Why a request is refused, in the shape of rule violations, with the kind of refusal it is.

The kind lets the HTTP layer pick the status (404, 409, 422, 502) without the domain knowing HTTP.
"""

from dataclasses import dataclass
from enum import StrEnum

from mmp_contracts import Violation


class RefusalKind(StrEnum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    """The request is fine but the current state forbids it (feature off, deprecated, in use)."""
    INVALID = "invalid"
    UPSTREAM = "upstream"
    """A platform we depend on did not answer as it must (down, or refused our stored credentials)."""


@dataclass(frozen=True)
class Refusal:
    kind: RefusalKind
    violations: list[Violation]

    @classmethod
    def of(cls, kind: RefusalKind, field: str, rule: str, message: str) -> "Refusal":
        return cls(kind, [Violation(field=field, rule=rule, message=message)])

    @property
    def reason(self) -> str:
        return "; ".join(f"{v.rule}: {v.message}" for v in self.violations)
