"""Editing a customer (R22) with billing confirmation (R27), and the usage billing reads (R28)."""

from dataclasses import dataclass, field

from customer_svc.domain.catalogue import Bundle
from mmp_contracts import Violation
from mmp_contracts.customer_spec import BillingChange, BundleUsage, CustomerChanges, CustomerSpec


@dataclass
class PendingUpdate:
    task_id: str
    after: CustomerSpec
    billing_changes: list[BillingChange] = field(default_factory=list)
    failure: str | None = None
    violations: list[Violation] = field(default_factory=list)
    sold: dict[str, Bundle] = field(default_factory=dict)
    reverted: list[str] | None = None
    """The MiVB's revert arrived (with its residue) before the MiCollab failure that caused it."""


PLATFORM_FIELDS = ("dialing_privileges", "key_template_id", "welcome_mail_template_id", "confirm_billing_changes")


def apply_changes(spec: CustomerSpec, changes: CustomerChanges) -> CustomerSpec:
    """The customer as it would be after the edit; every section given replaces the old one whole."""
    given = changes.model_dump(exclude_unset=True)
    sections = {name: value for name, value in given.items() if name not in PLATFORM_FIELDS}
    details = sections.get("details")
    if details is not None:
        details["webid"] = spec.details.webid  # R6: the WebID never changes
    platform = {**spec.platform.model_dump(), **{k: v for k, v in given.items() if k in PLATFORM_FIELDS}}
    return CustomerSpec.model_validate({**spec.model_dump(), **sections, "platform": platform})


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


def usage(spec: CustomerSpec) -> list[BundleUsage]:
    """R28: allocated is the quantity sold; used counts the users holding it (the first user holds the
    first bundle it can, until more users are created)."""
    first = next((b.bundle_id for b in spec.service_bundles if b.quantity > 0), None)
    return [
        BundleUsage(bundle_id=b.bundle_id, allocated=b.quantity, used=1 if b.bundle_id == first else 0)
        for b in spec.service_bundles
    ]
