"""Editing a customer's MiCollab tenant (R22): what changed, which gates the change must pass, how to undo it."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from micollab_svc.domain.devices import device_violations
from micollab_svc.domain.gates import gate_violations
from micollab_svc.domain.plan import JsonObject, bundle_body, tenant_body
from mmp_contracts import Violation
from mmp_contracts.customer_spec import BundleAllocation, CustomerSpec
from mmp_contracts.events import MiCollabTarget

GATED_OPTIONS = ("miteam_meetings", "fetch_npm_awv_ports")  # R16, R17: their violations name these fields


class Item(StrEnum):
    TENANT = "tenant"
    BUNDLE = "bundle"


@dataclass(frozen=True)
class Step:
    """One MiCollab call of an edit and the call that puts it back. A body of None is a DELETE."""

    item: Item
    key: str
    """The bundle id; empty for the tenant itself."""
    do: JsonObject | None
    undo: JsonObject | None

    def undone(self) -> "Step":
        return Step(self.item, self.key, self.undo, self.do)


def plan_edit(before: CustomerSpec, after: CustomerSpec) -> list[Step]:
    """The MiCollab calls that turn `before` into `after`: the tenant's name, then each bundle added or
    changed (quantity or any option), in `after`'s order, then each bundle removed. Empty: nothing to do."""
    steps: list[Step] = []
    old_tenant, new_tenant = tenant_body(before), tenant_body(after)
    if old_tenant != new_tenant:
        steps.append(Step(Item.TENANT, "", new_tenant, old_tenant))
    old, new = _by_id(before.service_bundles), _by_id(after.service_bundles)
    for bundle_id, bundle in new.items():
        was = bundle_body(old[bundle_id]) if bundle_id in old else None
        if was != bundle_body(bundle):
            steps.append(Step(Item.BUNDLE, bundle_id, bundle_body(bundle), was))
    for bundle_id, bundle in old.items():
        if bundle_id not in new:
            steps.append(Step(Item.BUNDLE, bundle_id, None, bundle_body(bundle)))
    return steps


def put_back(done: Sequence[Step], failed: Step, may_have_acted: bool) -> list[Step]:
    """The calls that leave MiCollab as it was after `failed` failed: each step done undone, in reverse
    order, starting with the failed call itself when MiCollab may have acted on it (R22)."""
    touched = [*done, failed] if may_have_acted else list(done)
    return [step.undone() for step in reversed(touched)]


def edit_violations(before: CustomerSpec, after: CustomerSpec, target: MiCollabTarget) -> list[Violation]:
    """R16-R19 on `after`, for what the edit newly asks for only: a bundle or device the customer already
    has keeps working on its MiCollab, even one a newer gate would refuse today."""
    demanded = _new_demands(before.service_bundles, after.service_bundles)
    violations = [v for v in gate_violations(after.service_bundles, target) if v.field in demanded]
    known_devices = set(before.hotdesk_devices)
    added_devices = {f"hotdesk_devices[{i}]" for i, d in enumerate(after.hotdesk_devices) if d not in known_devices}
    violations += [v for v in device_violations(after.hotdesk_devices, target) if v.field in added_devices]
    return violations


def _new_demands(before: Sequence[BundleAllocation], after: Sequence[BundleAllocation]) -> set[str]:
    """The gated fields of `after` that the edit turns on: every gate of a new bundle (R16-R18), and a
    gated option of an existing bundle that goes from false to true (R16, R17)."""
    old = _by_id(before)
    fields: set[str] = set()
    for index, bundle in enumerate(after):
        field = f"service_bundles[{index}]"
        was = old.get(bundle.bundle_id)
        if was is None:
            fields.add(f"{field}.bundle_id")  # R18 names the bundle itself
        fields.update(
            f"{field}.{option}"
            for option in GATED_OPTIONS
            if getattr(bundle, option) and (was is None or not getattr(was, option))
        )
    return fields


def _by_id(bundles: Sequence[BundleAllocation]) -> dict[str, BundleAllocation]:
    return {bundle.bundle_id: bundle for bundle in bundles}
