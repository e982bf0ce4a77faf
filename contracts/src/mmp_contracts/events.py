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


class PlatformGroupEvent(Event):
    """A fact about a platform group, keyed by its id so a group's facts keep their order."""

    topic = topics.PLATFORM_EVENTS
    platform_group_id: str

    def partition_key(self) -> str:
        return self.platform_group_id


class PlatformGroupCreated(PlatformGroupEvent):
    name: str
    mivb_version: str
    micollab_version: str
    mbg_ids: list[str]
    blueprint_id: str | None = None
    """The Platform Manager blueprint the group was made from (R2); None for a group registered by hand."""
    rest_api_scripts: bool | None = None


class PlatformGroupChanged(PlatformGroupEvent):
    """The versions or the reachability the platforms report changed (R16-R19 read their versions here)."""

    mivb_version: str
    micollab_version: str
    rest_api_scripts: bool
    reachable: dict[str, bool]
    """Per platform of the group: `mivb`, `mivb_secondary`, `micollab`, `site:<site id>` (its MBG)."""
    voicemail_hunt_group: bool | None = None
    """R4: whether the MiVB has its voicemail hunt group; None when the MiVB could not be asked."""


class PlatformGroupDeleted(PlatformGroupEvent):
    pass


class PlatformManagerStatusChanged(Event):
    """Whether the stored Platform Manager credentials work (R3). Never carries a credential."""

    topic = topics.PLATFORM_EVENTS
    status: str
    """`OK`, `CREDENTIALS_REJECTED`, `UNREACHABLE` or `NOT_REGISTERED`."""
    reason: str | None = None
    url: str | None = None

    def partition_key(self) -> str:
        return "platform-manager"


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
