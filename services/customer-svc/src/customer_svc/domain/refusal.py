"""The one refusal of customer-svc's domain: a request that does not apply to the customer as it stands, or
that breaks rules (then each violation names its field and its rule)."""

from collections.abc import Sequence

from mmp_contracts import Violation


class Refused(Exception):
    def __init__(self, reason: str, violations: Sequence[Violation] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.violations = tuple(violations)

    @classmethod
    def breaking(cls, violations: Sequence[Violation]) -> "Refused":
        return cls(describe(violations), violations)


def describe(violations: Sequence[Violation]) -> str:
    return "; ".join(f"{v.field}: {v.message} ({v.rule})" for v in violations)
