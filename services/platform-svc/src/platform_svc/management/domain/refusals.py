"""Why a request or a message is refused: platform-svc's one refusal type, in the shape of rule violations.

The kind lets the HTTP layer pick the status (404, 409, 422, 502) without the domain knowing HTTP; a
provisioning handler turns the same refusal into a `...Failed` event carrying its reason and violations.
"""

from collections.abc import Sequence
from enum import StrEnum

from mmp_contracts import Violation


class RefusalKind(StrEnum):
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    """The request is fine but the current state forbids it (feature off, deprecated, in use, not in place)."""
    INVALID = "invalid"
    UPSTREAM = "upstream"
    """A platform we depend on did not answer as it must (down, or refused our stored credentials)."""


class Refusal(Exception):
    def __init__(self, kind: RefusalKind, violations: Sequence[Violation] = (), reason: str | None = None) -> None:
        self.kind = kind
        self.violations = list(violations)
        self.reason = reason if reason is not None else "; ".join(f"{v.rule}: {v.message}" for v in self.violations)
        super().__init__(self.reason)

    @classmethod
    def of(cls, kind: RefusalKind, field: str, rule: str, message: str) -> "Refusal":
        return cls(kind, [Violation(field=field, rule=rule, message=message)])
