"""Registering, making and deleting platform groups: discover, store, announce (one write each).

A group is made from a blueprint (R2, POST) or, for now, registered by hand (PUT, used by the devstack).
Deleting leaves a tombstone whose outbox still carries `PlatformGroupDeleted`; the same id may be reused.
"""

import asyncio
import uuid

from mmp_contracts import Violation
from mmp_contracts.events import PlatformGroupDeleted
from mmp_servicekit.outbox import Cause, ConcurrentWrites
from mmp_servicekit.store import DuplicateKeyError
from platform_svc.domain.blueprint_groups import BlueprintGroupRequest, group_from_blueprint
from platform_svc.domain.blueprints import check_may_make_group
from platform_svc.domain.discovery import GroupRegistration, assemble_group
from platform_svc.domain.groups import PlatformGroup
from platform_svc.domain.platform_manager import check_feature_enabled
from platform_svc.domain.refusals import Refusal, RefusalKind
from platform_svc.observation import observe
from platform_svc.platforms import Platforms
from platform_svc.store import PlatformStore, group_document, group_of, now

ATTEMPTS = 5


class GroupRegistry:
    def __init__(self, store: PlatformStore, platforms: Platforms) -> None:
        self.store = store
        self.platforms = platforms

    async def register(
        self, group_id: str, registration: GroupRegistration
    ) -> tuple[PlatformGroup, bool] | list[Violation] | Refusal:
        """The group and whether it is new, or why it cannot be registered (nothing stored then)."""
        mivb, micollab, *mbgs = await asyncio.gather(
            self.platforms.probe("MiVB", registration.mivb_url),
            self.platforms.probe("MiCollab", registration.micollab_url),
            *(self.platforms.probe("MBG", site.mbg_url) for site in registration.sites),
        )
        group = assemble_group(group_id, registration, mivb, micollab, mbgs)
        if isinstance(group, list):
            return group
        return await self._save(group, replace=True)

    async def create(self, request: BlueprintGroupRequest) -> PlatformGroup | Refusal:
        """R2: from a registered, current blueprint, once the platforms answered (R5) and R4 holds."""
        pm = await self.store.pm_document() or {}
        blueprint = await self.store.blueprint(request.blueprint_id)
        if refusal := check_feature_enabled(pm.get("enabled", False)) or check_may_make_group(
            request.blueprint_id, blueprint
        ):
            return refusal
        if await self.store.group_document(request.id) is not None:
            return _exists(request.id)
        mbg_urls = [site.mbg_url for site in request.sites]
        observed = await observe(
            self.platforms, request.mivb_url, request.mivb_secondary_url, request.micollab_url, mbg_urls
        )
        group = group_from_blueprint(request, observed, now())
        if isinstance(group, list):
            return Refusal(RefusalKind.INVALID, group)
        saved = await self._save(group, replace=False)
        return saved if isinstance(saved, Refusal) else group

    async def delete(self, group_id: str) -> PlatformGroup | Refusal:
        for _ in range(ATTEMPTS):
            doc = await self.store.group_document(group_id)
            if doc is None:
                return Refusal.of(RefusalKind.NOT_FOUND, "id", "R1", f"platform group {group_id} not found")
            if await self.store.group_has_customers(group_id):
                message = f"platform group {group_id} has customers; delete or move them first"
                return Refusal.of(RefusalKind.CONFLICT, "id", "platform-group-in-use", message)
            changes = {"deleted": True, "deleted_at": now()}
            emit = [PlatformGroupDeleted(platform_group_id=group_id)]
            if await self.store.groups.update(group_id, doc["version"], changes, _cause(), emit):
                return group_of(doc)
        raise ConcurrentWrites(f"platform group {group_id} kept changing under {ATTEMPTS} attempts")

    async def _save(self, group: PlatformGroup, replace: bool) -> tuple[PlatformGroup, bool] | Refusal:
        doc = group_document(group)
        for _ in range(ATTEMPTS):
            existing = await self.store.groups.get(group.id)
            if existing is None:
                try:
                    await self.store.groups.insert(doc, _cause(), [group.created()])
                    return group, True
                except DuplicateKeyError:
                    continue  # registered concurrently: decide again
            live = not existing.get("deleted")
            if live and not replace:
                return _exists(group.id)
            if live and existing.get("blueprint_id"):
                message = f"platform group {group.id} was made from blueprint {existing['blueprint_id']} (R2)"
                return Refusal.of(RefusalKind.CONFLICT, "id", "R2", f"{message}; it cannot be replaced by hand")
            changes = {key: value for key, value in doc.items() if key != "_id"}
            unset = () if live else ("deleted_at",)
            version, emit = existing["version"], [group.created()]
            if await self.store.groups.update(group.id, version, changes, _cause(), emit, unset):
                return group, not live
        raise ConcurrentWrites(f"platform group {group.id} kept changing under {ATTEMPTS} attempts")


def _exists(group_id: str) -> Refusal:
    return Refusal.of(RefusalKind.CONFLICT, "id", "unique-id", f"platform group {group_id} exists already")


def _cause() -> Cause:
    return Cause(correlation_id=str(uuid.uuid4()))
