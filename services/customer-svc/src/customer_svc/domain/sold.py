"""What a customer was sold and what it uses of it (R28)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from customer_svc.domain.catalogue import Bundle
from mmp_contracts.customer_spec import BundleUsage, CustomerSpec


@dataclass(frozen=True)
class SoldBundles:
    """The bundles as they were defined when sold: a later change of the SP's catalogue never alters them."""

    bundles: Mapping[str, Bundle] = field(default_factory=dict)

    @classmethod
    def of(cls, spec: CustomerSpec, catalogue: Mapping[str, Bundle]) -> "SoldBundles":
        return cls({b: catalogue[b] for b in bundle_ids(spec) if b in catalogue})

    def terms(self, catalogue: Mapping[str, Bundle]) -> dict[str, Bundle]:
        """What an edit is checked against: the customer's own terms first, the catalogue for new bundles."""
        return {**catalogue, **self.bundles}

    def after_edit(self, edit: "SoldBundles", spec: CustomerSpec) -> "SoldBundles":
        """The terms once an edit is applied: those already sold stay, new bundles at the edit's terms."""
        kept = {**edit.bundles, **self.bundles}
        return SoldBundles({k: v for k, v in kept.items() if k in bundle_ids(spec)})


def bundle_ids(spec: CustomerSpec) -> set[str]:
    return {b.bundle_id for b in spec.service_bundles}


def usage(spec: CustomerSpec) -> list[BundleUsage]:
    """R28: allocated is the quantity sold; used counts the users holding it (the first user holds the
    first bundle it can, until more users are created)."""
    first = next((b.bundle_id for b in spec.service_bundles if b.quantity > 0), None)
    return [
        BundleUsage(bundle_id=b.bundle_id, allocated=b.quantity, used=1 if b.bundle_id == first else 0)
        for b in spec.service_bundles
    ]
