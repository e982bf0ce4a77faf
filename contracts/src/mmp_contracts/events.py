"""Events, grouped by the topic of the service that owns them. Only the owner publishes."""

from pydantic import BaseModel

from mmp_contracts import topics
from mmp_contracts.base import Event, Violation
from mmp_contracts.customer_spec import CustomerSpec, FirstUser

Residue = list[str]
"""What a failed undo left behind, one line per item, e.g. `MiVB tenant 3f2a... on pg-ottawa-1`."""


class CustomerKeyed(Event):
    customer_id: str

    def partition_key(self) -> str:
        return self.customer_id


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


class CustomerFailed(CustomerEvent):
    task_id: str
    webid: str
    reason: str


class CustomerRollbackFailed(CustomerEvent):
    task_id: str
    webid: str
    reason: str
    residue: Residue


class RollbackRetryRequested(CustomerEvent):
    task_id: str


class TaskCompleted(CustomerEvent):
    task_id: str
    kind: str


class TaskFailed(CustomerEvent):
    task_id: str
    kind: str
    reason: str


class PlatformEvent(CustomerKeyed):
    topic = topics.PLATFORM_EVENTS


class MiCollabTarget(BaseModel):
    """Where and what the customer's MiCollab is, for the version gates R16-R18."""

    url: str
    version: str
    rest_api_scripts: bool
    mivb_version: str


class PlatformAssigned(PlatformEvent):
    platform_group_id: str
    spec: CustomerSpec
    micollab: MiCollabTarget


class PlatformAssignmentFailed(PlatformEvent):
    reason: str
    violations: list[Violation] = []
    residue: Residue = []


class PlatformReleased(PlatformEvent):
    pass


class PlatformReleaseFailed(PlatformEvent):
    reason: str
    residue: Residue


class PlatformGroupCreated(Event):
    topic = topics.PLATFORM_EVENTS
    platform_group_id: str
    name: str
    mivb_version: str
    micollab_version: str
    mbg_ids: list[str]

    def partition_key(self) -> str:
        return self.platform_group_id


class MiCollabEvent(CustomerKeyed):
    topic = topics.MICOLLAB_EVENTS


class MiCollabTenantProvisioned(MiCollabEvent):
    bundles: list[str]


class MiCollabProvisioningFailed(MiCollabEvent):
    reason: str
    violations: list[Violation] = []
    residue: Residue = []


class MiCollabTenantRemoved(MiCollabEvent):
    pass


class MiCollabRemovalFailed(MiCollabEvent):
    reason: str
    residue: Residue


class NotifyEvent(CustomerKeyed):
    topic = topics.NOTIFY_EVENTS


class WelcomeMailSent(NotifyEvent):
    template_id: str
    recipient: str
    link_expires_at: str


class WelcomeMailFailed(NotifyEvent):
    reason: str
