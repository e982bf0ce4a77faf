"""platform.events: published by platform-svc only."""

from pydantic import BaseModel

from mmp_contracts import topics
from mmp_contracts.base import Event, Violation
from mmp_contracts.customer_spec import CustomerSpec, DidRange
from mmp_contracts.events.common import CustomerKeyed, Residue


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


class PlatformUpdated(PlatformEvent):
    """R22: MiVB and MBG carry `after`; MiCollab is next."""

    task_id: str
    before: CustomerSpec
    after: CustomerSpec
    micollab: MiCollabTarget


class PlatformUpdateFailed(PlatformEvent):
    """MiVB and MBG were left (or put back) as they were."""

    task_id: str
    reason: str
    violations: list[Violation] = []


class PlatformUpdateReverted(PlatformEvent):
    """After a MiCollab failure, MiVB and MBG are back as they were before the edit."""

    task_id: str


class PlatformUpdateRevertFailed(PlatformEvent):
    task_id: str
    reason: str
    residue: Residue


class DidRangeProvisioned(PlatformEvent):
    task_id: str
    did_range: DidRange


class DidRangeProvisioningFailed(PlatformEvent):
    task_id: str
    did_range: DidRange
    reason: str


class DidRangeReleased(PlatformEvent):
    task_id: str
    did_range: DidRange


class DidRangeReleaseFailed(PlatformEvent):
    task_id: str
    did_range: DidRange
    reason: str


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
