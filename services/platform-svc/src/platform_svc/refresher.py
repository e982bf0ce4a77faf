"""Keeps each platform group's versions and reachability current (R16-R19 read their versions there).

Every `group_refresh_seconds`, and on demand, each group's platforms are asked again; when what they
report changed, the group is stored with it and `PlatformGroupChanged` is emitted in the same write.
"""

import logging
import uuid

from mmp_servicekit.outbox import Cause
from platform_svc.domain.groups import PlatformGroup
from platform_svc.domain.health import change, refreshed
from platform_svc.observation import observe_group
from platform_svc.platforms import Platforms
from platform_svc.store import PlatformStore, group_document, group_of, now

log = logging.getLogger(__name__)
ATTEMPTS = 3


class GroupRefresher:
    def __init__(self, store: PlatformStore, platforms: Platforms) -> None:
        self.store = store
        self.platforms = platforms

    async def refresh_all(self) -> None:
        for group_id in await self.store.group_ids():
            try:
                await self.refresh(group_id)
            except Exception:
                # One group's trouble (e.g. a malformed document) must not stop the others' refresh.
                log.exception("platform group %s: refresh failed", group_id)

    async def refresh(self, group_id: str) -> PlatformGroup | None:
        """The group as stored after the refresh; None when there is no such (live) group."""
        for _ in range(ATTEMPTS):
            doc = await self.store.group_document(group_id)
            if doc is None:
                return None
            before = group_of(doc)
            after = refreshed(before, await observe_group(self.platforms, before), now())
            changed = change(before, after)
            changes = {key: value for key, value in group_document(after).items() if key != "_id"}
            cause = Cause(correlation_id=str(uuid.uuid4()))
            if await self.store.groups.update(group_id, doc["version"], changes, cause, [changed] if changed else []):
                if changed:
                    log.info(
                        "platform group %s changed: MiVB %s, MiCollab %s, reachable %s",
                        group_id,
                        changed.mivb_version,
                        changed.micollab_version,
                        changed.reachable,
                    )
                return after
            # Written meanwhile (a replacement, another refresh): ask the platforms again for the new group.
        return await self.store.group(group_id)
