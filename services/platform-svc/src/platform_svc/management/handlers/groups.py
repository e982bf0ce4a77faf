"""Platform groups: made from a blueprint (R2) or registered by hand, refreshed, deleted; each write one
change of the group with the event it causes."""

import asyncio
import logging
from typing import Protocol

from mmp_contracts import Message
from mmp_contracts.events import PlatformGroupChanged
from mmp_servicekit.repository import Outcome, Repository
from platform_svc.management.adapters.platforms import PlatformProbes
from platform_svc.management.adapters.store import PlatformCatalogue
from platform_svc.management.domain.blueprint_groups import BlueprintGroupRequest, group_from_blueprint
from platform_svc.management.domain.blueprints import Blueprint, check_may_make_group
from platform_svc.management.domain.discovery import GroupRegistration, assemble_group
from platform_svc.management.domain.groups import PlatformGroup
from platform_svc.management.domain.platform_manager import PlatformManagerRegistration, check_feature_enabled
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.management.handlers import api_cause, now

log = logging.getLogger(__name__)


class GroupPins(Protocol):
    """Whether any customer's platform work is on a group (provisioning answers, through bootstrap)."""

    async def pinned(self, group_id: str) -> bool: ...


class GroupHandlers:
    def __init__(
        self,
        groups: Repository[PlatformGroup],
        catalogue: PlatformCatalogue,
        blueprints: Repository[Blueprint],
        registrations: Repository[PlatformManagerRegistration],
        probes: PlatformProbes,
        pins: GroupPins,
    ) -> None:
        self.groups = groups
        self.catalogue = catalogue
        self.blueprints = blueprints
        self.registrations = registrations
        self.probes = probes
        self.pins = pins

    async def register(self, group_id: str, registration: GroupRegistration) -> tuple[PlatformGroup, bool]:
        """By hand (PUT): the group, and whether it is new; refused with every unreachable or wrong platform."""
        mivb, micollab, *mbgs = await asyncio.gather(
            self.probes.probe("MiVB", registration.mivb_url),
            self.probes.probe("MiCollab", registration.micollab_url),
            *(self.probes.probe("MBG", site.mbg_url) for site in registration.sites),
        )
        group = assemble_group(group_id, registration, mivb, micollab, mbgs)
        cause = api_cause()
        if await self.groups.create(group, cause, [group.created()]):
            return group, True
        was_tombstone = False

        def replace(stored: PlatformGroup) -> list[Message]:
            nonlocal was_tombstone
            was_tombstone = stored.deleted
            return stored.replace_by_hand(group)

        await self.groups.change(group_id, cause, replace)
        return group, was_tombstone

    async def create(self, request: BlueprintGroupRequest) -> PlatformGroup:
        """R2: from a registered, current blueprint, once the platforms answered (R5) and R4 holds."""
        pm = await self.registrations.get(PlatformManagerRegistration.ID) or PlatformManagerRegistration()
        check_feature_enabled(pm.enabled)
        check_may_make_group(request.blueprint_id, await self.blueprints.get(request.blueprint_id))
        if (existing := await self.groups.get(request.id)) is not None:
            existing.check_free()
        observed = await self.probes.observe(request.addresses())
        group = group_from_blueprint(request, observed, now())
        cause = api_cause()
        if not await self.groups.create(group, cause, [group.created()]):
            await self.groups.change(group.id, cause, lambda stored: stored.revive_as(group))
        return group

    async def delete(self, group_id: str) -> None:
        pinned = await self.pins.pinned(group_id)
        if await self.groups.change(group_id, api_cause(), lambda group: group.delete(pinned)) is Outcome.MISSING:
            raise Refusal.of(RefusalKind.NOT_FOUND, "id", "R1", f"platform group {group_id} not found")

    async def refresh(self, group_id: str) -> PlatformGroup | None:
        """The group as stored after its platforms were asked again; None when there is no such (live) group."""
        group = await self.catalogue.group(group_id)
        if group is None:
            return None
        observed = await self.probes.observe(group.addresses())
        announced: list[Message] = []

        def refresh(stored: PlatformGroup) -> list[Message] | None:
            events = stored.refresh(observed, now())
            announced[:] = events or []
            return events

        await self.groups.change(group_id, api_cause(), refresh)
        for changed in announced:
            if isinstance(changed, PlatformGroupChanged):
                log.info(
                    "platform group %s changed: MiVB %s, MiCollab %s, reachable %s",
                    group_id,
                    changed.mivb_version,
                    changed.micollab_version,
                    changed.reachable,
                )
        return await self.catalogue.group(group_id)

    async def refresh_all(self) -> None:
        """The periodic job: every live group, one after the other."""
        for group in await self.catalogue.groups():
            try:
                await self.refresh(group.id)
            except Exception:
                # One group's trouble (e.g. a malformed document) must not stop the others' refresh.
                log.exception("platform group %s: refresh failed", group.id)
