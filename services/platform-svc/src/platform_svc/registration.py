"""Registering a platform group: discover the versions, store the group, announce it (one write)."""

import asyncio
import uuid

from mmp_contracts import Violation
from mmp_servicekit.outbox import Cause, ConcurrentWrites
from mmp_servicekit.store import DuplicateKeyError
from platform_svc.domain.discovery import GroupRegistration, assemble_group
from platform_svc.domain.groups import PlatformGroup
from platform_svc.platforms import Platforms
from platform_svc.store import PlatformStore, group_document

ATTEMPTS = 5


class GroupRegistry:
    def __init__(self, store: PlatformStore, platforms: Platforms) -> None:
        self.store = store
        self.platforms = platforms

    async def register(
        self, group_id: str, registration: GroupRegistration
    ) -> tuple[PlatformGroup, bool] | list[Violation]:
        """The group and whether it is new, or why it cannot be registered (nothing stored then)."""
        mivb, micollab, *mbgs = await asyncio.gather(
            self.platforms.probe("MiVB", registration.mivb_url),
            self.platforms.probe("MiCollab", registration.micollab_url),
            *(self.platforms.probe("MBG", site.mbg_url) for site in registration.sites),
        )
        group = assemble_group(group_id, registration, mivb, micollab, mbgs)
        if isinstance(group, list):
            return group
        return group, await self._save(group, Cause(correlation_id=str(uuid.uuid4())))

    async def _save(self, group: PlatformGroup, cause: Cause) -> bool:
        doc = group_document(group)
        for _ in range(ATTEMPTS):
            existing = await self.store.group_document(group.id)
            if existing is None:
                try:
                    await self.store.groups.insert(doc, cause, [group.created()])
                    return True
                except DuplicateKeyError:
                    continue  # registered concurrently: replace it instead
            changes = {key: value for key, value in doc.items() if key != "_id"}
            if await self.store.groups.update(group.id, existing["version"], changes, cause, [group.created()]):
                return False
        raise ConcurrentWrites(f"platform group {group.id} kept changing under {ATTEMPTS} attempts")
