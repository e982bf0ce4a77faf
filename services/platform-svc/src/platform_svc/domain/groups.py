"""Platform groups: one MiVB, one MiCollab and one or more sites, each with an MBG, with their versions.

The versions are discovered (see discovery.py), never typed in. The model is the stored document's
shape, so the later Platform Manager / blueprint flow (R2) can create groups of the same kind.
"""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from mmp_contracts.events import PlatformGroupCreated

MIVB = "MiVoice Business"
MICOLLAB = "MiCollab"
MBG = "MiVoice Border Gateway"


@dataclass(frozen=True)
class SystemInfo:
    """What a platform says about itself on GET /api/system."""

    product: str
    version: str
    rest_api_scripts: bool | None = None


@dataclass(frozen=True)
class Unreachable:
    reason: str


Probe = SystemInfo | Unreachable


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Platform(Model):
    url: str
    version: str


class MiCollabPlatform(Platform):
    rest_api_scripts: bool


class Mbg(Model):
    id: str
    url: str
    version: str


class Site(Model):
    id: str
    name: str
    mbg: Mbg


class GroupHealth(Model):
    """What the platforms answered at the last check (creation or refresh)."""

    reachable: dict[str, bool]
    """Per platform: `mivb`, `mivb_secondary`, `micollab`, `site:<site id>` (that site's MBG)."""
    voicemail_hunt_group: bool | None = None
    """R4; None when the MiVB could not be asked."""
    errors: dict[str, str] = {}
    """Why each unreachable platform is, by the same keys."""
    checked_at: datetime


class PlatformGroup(Model):
    id: str
    name: str
    mivb: Platform
    micollab: MiCollabPlatform
    sites: list[Site] = Field(min_length=1)
    mivb_secondary: Platform | None = None
    """The other half of a resilient MiVB pair; customers are configured on the primary (`mivb`)."""
    blueprint_id: str | None = None
    """Set when the group was made from a Platform Manager blueprint (R2); None when registered by hand."""
    health: GroupHealth | None = None
    """None until the group is first checked (a group registered by hand, until its first refresh)."""

    def customer_mbg(self) -> Mbg:
        """The MBG that carries a new customer's SIP side: the first site's."""
        return self.sites[0].mbg

    def created(self) -> PlatformGroupCreated:
        return PlatformGroupCreated(
            platform_group_id=self.id,
            name=self.name,
            mivb_version=self.mivb.version,
            micollab_version=self.micollab.version,
            mbg_ids=[site.mbg.id for site in self.sites],
            blueprint_id=self.blueprint_id,
            rest_api_scripts=self.micollab.rest_api_scripts,
        )
