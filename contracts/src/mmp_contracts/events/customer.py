"""customer.events: published by customer-svc only."""

from mmp_contracts import topics
from mmp_contracts.base import Violation
from mmp_contracts.customer_spec import BillingChange, BundleUsage, CustomerSpec, DidRange, FirstUser
from mmp_contracts.events.common import CustomerKeyed, Residue
from mmp_contracts.tasks import TaskKind


class CustomerEvent(CustomerKeyed):
    topic = topics.CUSTOMER_EVENTS


class CustomerRequested(CustomerEvent):
    task_id: str
    spec: CustomerSpec


class CustomerRejected(CustomerEvent):
    task_id: str
    webid: str
    violations: list[Violation]


class CustomerActivated(CustomerEvent):
    task_id: str
    webid: str
    name: str
    contact_email: str
    portal_url: str
    first_user: FirstUser
    send_welcome_mail: bool
    welcome_mail_template_id: str | None
    usage: list[BundleUsage] = []
    """R28: per bundle, allocated and used, for billing."""


class CustomerFailed(CustomerEvent):
    task_id: str
    webid: str
    reason: str


class CustomerRollbackFailed(CustomerEvent):
    task_id: str
    webid: str
    reason: str
    residue: Residue


class ReleaseRequested(CustomerEvent):
    """Asks every participant to remove what it holds of the customer; each answers ...Released/...Removed."""

    task_id: str


class RollbackRetryRequested(ReleaseRequested):
    """R21: a failed rollback is tried again."""


class CustomerDeletionRequested(ReleaseRequested):
    """R23: the customer and its users leave MiCollab, MiVB and MBG, then our records."""


class CustomerDeleted(CustomerEvent):
    task_id: str
    webid: str
    residue: Residue = []
    """Empty unless the customer was in demo mode (R24): what remains on the platforms for manual cleanup."""


class CustomerDeletionFailed(CustomerEvent):
    task_id: str
    webid: str
    reason: str
    residue: Residue


class CustomerConvertedToDemo(CustomerEvent):
    task_id: str
    webid: str


class CustomerUpdateRequested(CustomerEvent):
    """R22: the platforms are asked to carry `after`; on a failure everything returns to `before`."""

    task_id: str
    before: CustomerSpec
    after: CustomerSpec


class BillingChangeAwaitingConfirmation(CustomerEvent):
    """R27: the customer must confirm (or reject) these bundle quantities before the edit runs."""

    task_id: str
    webid: str
    billing_changes: list[BillingChange]


class CustomerUpdated(CustomerEvent):
    task_id: str
    webid: str
    spec: CustomerSpec
    usage: list[BundleUsage]
    billing_changes: list[BillingChange] = []
    """R27: the bundle quantities that changed; notify-svc mails them where the bundle asks for it."""


class CustomerUpdateFailed(CustomerEvent):
    task_id: str
    webid: str
    reason: str
    violations: list[Violation] = []


class DidRangeAdditionRequested(CustomerEvent):
    task_id: str
    platform_group_id: str
    did_range: DidRange


class DidRangeAdded(CustomerEvent):
    task_id: str
    did_range: DidRange


class DidRangeRemovalRequested(CustomerEvent):
    task_id: str
    platform_group_id: str
    did_range: DidRange


class DidRangeRemoved(CustomerEvent):
    task_id: str
    did_range: DidRange


class TaskCompleted(CustomerEvent):
    task_id: str
    kind: TaskKind


class TaskFailed(CustomerEvent):
    task_id: str
    kind: TaskKind
    reason: str
