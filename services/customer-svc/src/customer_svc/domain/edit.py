"""An edit of the customer (R22) under way, with the customer's confirmation of billing changes (R27)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import ValidationError

from customer_svc.domain.refusal import Refused
from customer_svc.domain.sold import SoldBundles
from customer_svc.domain.undo import ROLLBACK_ADVICE
from mmp_contracts import Violation
from mmp_contracts.customer_spec import BillingChange, CustomerChanges, CustomerSpec

PLATFORM_FIELDS = ("dialing_privileges", "key_template_id", "welcome_mail_template_id", "confirm_billing_changes")


@dataclass
class PendingUpdate:
    task_id: str
    after: CustomerSpec
    billing_changes: list[BillingChange] = field(default_factory=list)
    sold: SoldBundles = field(default_factory=SoldBundles)
    """The terms of the bundles the edit adds, as the catalogue has them when it is asked for."""
    failure: str | None = None
    violations: list[Violation] = field(default_factory=list)
    reverted: list[str] | None = None
    """The MiVB's revert arrived (with its residue) before the MiCollab failure that caused it."""
    put_back: str | None = None
    """Why the edit was given up (its deadline passed, or the SP failed it): the platforms are asked to carry
    the customer as it was, under `put_back_task_id`, and the edit fails once they have (or could not)."""

    @classmethod
    def of(cls, task_id: str, before: CustomerSpec, after: CustomerSpec, sold: SoldBundles) -> "PendingUpdate":
        return cls(task_id, after, billing_changes(before, after), sold)

    @property
    def put_back_task_id(self) -> str:
        return f"{self.task_id}/put-back"

    def reported_by(self, task_id: str) -> bool:
        """Whether a platform's report about `task_id` is about the edit as it now stands: once it is being put
        back, the edit's own reports are late."""
        return task_id == (self.task_id if self.put_back is None else self.put_back_task_id)

    def awaited(self) -> str:
        if self.put_back is not None:
            return "the platforms to put the customer back as it was"
        if self.failure is not None:
            return "the MiVB to put the edit back"
        return "the platforms to carry the edit"

    def refused_by_platform(self, reason: str, violations: Sequence[Violation]) -> None:
        self.failure, self.violations = reason, list(violations)

    def reverted_early(self, residue: Sequence[str]) -> None:
        self.reverted = list(residue)


def failure_after_revert(failure: str, residue: Sequence[str]) -> str:
    """Why the edit failed, and what the MiVB could not put back."""
    if residue:
        return f"{failure}; could not put back: {', '.join(residue)}; {ROLLBACK_ADVICE}"
    return failure


def apply_changes(spec: CustomerSpec, changes: CustomerChanges) -> CustomerSpec:
    """The customer as it would be after the edit; every section given replaces the old one whole."""
    given = changes.model_dump(exclude_unset=True)
    sections = {name: value for name, value in given.items() if name not in PLATFORM_FIELDS}
    details = sections.get("details")
    if details is not None:
        details["webid"] = spec.details.webid  # R6: the WebID never changes
    platform = {**spec.platform.model_dump(), **{k: v for k, v in given.items() if k in PLATFORM_FIELDS}}
    try:
        return CustomerSpec.model_validate({**spec.model_dump(), **sections, "platform": platform})
    except ValidationError as invalid:  # e.g. a section set to null: refused, never raised into a handler
        raise Refused.breaking(
            [
                Violation(field=_path(error["loc"]), rule=f"schema:{error['type']}", message=error["msg"])
                for error in invalid.errors()
            ]
        ) from None


def _path(loc: Sequence[int | str]) -> str:
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc).lstrip(".") or "changes"


def billing_changes(before: CustomerSpec, after: CustomerSpec) -> list[BillingChange]:
    """R27: every bundle whose quantity the edit changes (a bundle added or removed counts from or to 0)."""
    old = {b.bundle_id: b for b in before.service_bundles}
    new = {b.bundle_id: b for b in after.service_bundles}
    changes = []
    for bundle_id in [*old, *(b for b in new if b not in old)]:
        was, will = old.get(bundle_id), new.get(bundle_id)
        quantity_before, quantity_after = (was.quantity if was else 0), (will.quantity if will else 0)
        if quantity_before != quantity_after:
            notify = (will or was).billing_change_notification  # type: ignore[union-attr]
            changes.append(
                BillingChange(bundle_id=bundle_id, before=quantity_before, after=quantity_after, notify=notify)
            )
    return changes


def describe(changes: Sequence[BillingChange]) -> str:
    return ", ".join(f"{c.bundle_id} {c.before} -> {c.after}" for c in changes)
