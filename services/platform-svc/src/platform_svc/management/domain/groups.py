"""Platform groups: one MiVB (or a resilient pair), one MiCollab and one or more sites, each with an MBG.

The versions are discovered from the platforms, never typed in, and kept current by refreshes (R16-R19 read
them here). A deleted group stays as a tombstone so that the event its deletion queued is still published;
every read skips tombstones, and the id may be used again.
"""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from mmp_contracts import Message
from mmp_contracts.events import PlatformGroupChanged, PlatformGroupCreated, PlatformGroupDeleted
from platform_svc.management.domain.health import Addresses, GroupHealth, Observed, as_product, health_of
from platform_svc.management.domain.platforms import MBG, MICOLLAB, MIVB, Model, Probe, SystemInfo
from platform_svc.management.domain.refusals import Refusal, RefusalKind


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


class PlatformGroup(BaseModel):
    """The aggregate: changed only by its own methods, each returning the events to publish."""

    model_config = ConfigDict(extra="forbid")

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
    deleted: bool = Field(default=False, exclude=True)
    """A tombstone, kept until its deletion event is published; never shown."""

    def customer_mbg(self) -> Mbg:
        """The MBG that carries a new customer's SIP side: the first site's."""
        return self.sites[0].mbg

    def addresses(self) -> Addresses:
        secondary = self.mivb_secondary.url if self.mivb_secondary else None
        return Addresses(self.mivb.url, secondary, self.micollab.url, tuple(site.mbg.url for site in self.sites))

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

    def check_free(self) -> None:
        """A new group takes only an id no live group holds."""
        if not self.deleted:
            raise Refusal.of(RefusalKind.CONFLICT, "id", "unique-id", f"platform group {self.id} exists already")

    def replace_by_hand(self, registered: "PlatformGroup") -> list[Message]:
        """A group registered by hand replaces one registered by hand, or a tombstone; never one made from a
        blueprint (R2)."""
        if not self.deleted and self.blueprint_id:
            message = f"platform group {self.id} was made from blueprint {self.blueprint_id} (R2)"
            raise Refusal.of(RefusalKind.CONFLICT, "id", "R2", f"{message}; it cannot be replaced by hand")
        return self._become(registered)

    def revive_as(self, made: "PlatformGroup") -> list[Message]:
        """A group made from a blueprint takes a tombstone's id, never a live group's."""
        self.check_free()
        return self._become(made)

    def refresh(self, observed: Observed, now: datetime) -> list[Message] | None:
        """The versions the platforms report now (an unreachable one keeps its last), their reachability and
        R4; an event only when what readers act on moved. None for a tombstone, or for a group replaced since
        it was observed: the next round asks its new platforms."""
        if self.deleted or observed.addresses != self.addresses():
            return None
        before = self._observable()
        micollab = as_product(observed.micollab, MICOLLAB)
        self.mivb = _updated(self.mivb, as_product(observed.mivb, MIVB))
        if self.mivb_secondary is not None and observed.mivb_secondary is not None:
            self.mivb_secondary = _updated(self.mivb_secondary, as_product(observed.mivb_secondary, MIVB))
        if isinstance(micollab, SystemInfo):
            scripts = bool(micollab.rest_api_scripts)
            self.micollab = self.micollab.model_copy(update={"version": micollab.version, "rest_api_scripts": scripts})
        self.sites = [
            _site_updated(site, as_product(probe, MBG)) for site, probe in zip(self.sites, observed.mbgs, strict=True)
        ]
        health = health_of([site.id for site in self.sites], observed, now)
        self.health = health
        if self._observable() == before:
            return []
        return [
            PlatformGroupChanged(
                platform_group_id=self.id,
                mivb_version=self.mivb.version,
                micollab_version=self.micollab.version,
                rest_api_scripts=self.micollab.rest_api_scripts,
                reachable=health.reachable,
                voicemail_hunt_group=health.voicemail_hunt_group,
            )
        ]

    def delete(self, has_customers: bool) -> list[Message]:
        if self.deleted:
            raise Refusal.of(RefusalKind.NOT_FOUND, "id", "R1", f"platform group {self.id} not found")
        if has_customers:
            message = f"platform group {self.id} has customers; delete or move them first"
            raise Refusal.of(RefusalKind.CONFLICT, "id", "platform-group-in-use", message)
        self.deleted = True
        return [PlatformGroupDeleted(platform_group_id=self.id)]

    def _become(self, other: "PlatformGroup") -> list[Message]:
        for name in PlatformGroup.model_fields:
            setattr(self, name, getattr(other, name))
        self.deleted = False
        return [self.created()]

    def _observable(self) -> tuple[object, ...]:
        health = self.health
        return (
            self.mivb.version,
            self.mivb_secondary.version if self.mivb_secondary else None,
            self.micollab.version,
            self.micollab.rest_api_scripts,
            [site.mbg.version for site in self.sites],
            health.reachable if health else None,
            health.voicemail_hunt_group if health else None,
        )


def _updated(known: Platform, probe: Probe) -> Platform:
    return known.model_copy(update={"version": probe.version}) if isinstance(probe, SystemInfo) else known


def _site_updated(site: Site, probe: Probe) -> Site:
    if not isinstance(probe, SystemInfo):
        return site
    return site.model_copy(update={"mbg": site.mbg.model_copy(update={"version": probe.version})})
