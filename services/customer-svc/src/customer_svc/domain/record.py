"""What the customer is now: its specification, where it stands and why, and which requests that allows."""

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from customer_svc.domain.refusal import Refused
from mmp_contracts import Violation
from mmp_contracts.customer_spec import CustomerSpec


class Status(StrEnum):
    PROVISIONING = "PROVISIONING"
    ACTIVE = "ACTIVE"
    ROLLING_BACK = "ROLLING_BACK"
    FAILED = "FAILED"
    ROLLBACK_FAILED = "ROLLBACK_FAILED"
    REJECTED = "REJECTED"
    UPDATING = "UPDATING"
    AWAITING_CONFIRMATION = "AWAITING_CONFIRMATION"
    DELETING = "DELETING"
    DELETION_FAILED = "DELETION_FAILED"
    DELETED = "DELETED"

    @property
    def holds_webid(self) -> bool:
        """R6: a WebID is unique among live customers; one left on a platform (R21) is still live."""
        return self not in (Status.FAILED, Status.REJECTED, Status.DELETED)


@dataclass
class CustomerRecord:
    spec: CustomerSpec
    status: Status
    since: datetime
    """When it entered its status (or began its stage again): what a deadline counts from."""
    reason: str | None = None
    violations: list[Violation] = field(default_factory=list)
    demo: bool = False
    """R24: one way; a demo customer can only be deleted."""
    welcome_mail: str | None = None

    def enter(self, status: Status, now: datetime) -> None:
        self.status, self.since = status, now

    def ensure_editable(self) -> None:
        """R22 on a live customer with no other change running; R24: never in demo mode."""
        if self.demo:
            raise Refused("a customer in demo mode cannot be edited, only deleted (R24)")
        if self.status is not Status.ACTIVE:
            raise Refused(f"the customer is {self.status}: its running task must finish first")

    def ensure_dids_changeable(self) -> None:
        if self.demo or self.status not in (Status.ACTIVE, Status.UPDATING, Status.AWAITING_CONFIRMATION):
            raise Refused(f"DID ranges change only on a live customer not in demo mode; this one is {self.status}")

    def ensure_deletable(self) -> None:
        if self.status in (Status.PROVISIONING, Status.ROLLING_BACK, Status.DELETING):
            raise Refused(f"the customer is {self.status}: its running task must finish first")
        if self.status is Status.DELETED:
            raise Refused("the customer is already deleted")

    def ensure_convertible(self) -> None:
        """R24: only an active customer, and only once."""
        if self.status is not Status.ACTIVE or self.demo:
            reason = "already in demo mode" if self.demo else f"only an ACTIVE customer, this one is {self.status}"
            raise Refused(f"cannot convert to demo mode: {reason}")

    def ensure_rollback_retriable(self) -> None:
        """R21: only what a failed rollback left is cleaned again."""
        if self.status is not Status.ROLLBACK_FAILED:
            raise Refused(f"only a ROLLBACK_FAILED customer can retry its rollback; this one is {self.status}")

    @property
    def leaves_platforms_alone(self) -> bool:
        """Deleting it touches no platform: a demo customer's parts stay for the SP (R24); a customer that
        failed or was rejected has none left."""
        return self.demo or self.status in (Status.FAILED, Status.REJECTED)

    def placement(self, customer_id: str) -> list[str]:
        """What the customer holds on its platforms, as an SP would look for it when cleaning by hand (R24)."""
        spec = self.spec
        dids = ", ".join(r.text() for r in spec.did_ranges) or "no DIDs"
        bundles = ", ".join(b.bundle_id for b in spec.service_bundles) or "no bundles"
        return [
            f"MiVB tenant {customer_id} on {spec.platform.platform_group_id} ({dids})",
            f"MBG customer {customer_id} with SIP user {spec.first_user.username}",
            f"MiCollab tenant {customer_id} ({bundles}) with user {spec.first_user.username}",
        ]
