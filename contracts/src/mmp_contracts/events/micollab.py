"""micollab.events: published by micollab-svc only."""

from mmp_contracts import topics
from mmp_contracts.base import Violation
from mmp_contracts.events.common import CustomerKeyed, Residue


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


class MiCollabUpdated(MiCollabEvent):
    task_id: str


class MiCollabUpdateFailed(MiCollabEvent):
    """MiCollab was left (or put back) as it was before the edit."""

    task_id: str
    reason: str
    violations: list[Violation] = []
