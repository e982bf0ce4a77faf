"""Asks every platform of a group what it is now: one round of `Observed`, all calls at once."""

import asyncio
from collections.abc import Sequence

from platform_svc.domain.groups import PlatformGroup, Probe, Unreachable
from platform_svc.domain.health import HuntGroups, Observed
from platform_svc.platforms import PlatformCallFailed, Platforms


async def observe(
    platforms: Platforms, mivb_url: str, mivb_secondary_url: str | None, micollab_url: str, mbg_urls: Sequence[str]
) -> Observed:
    mbgs = asyncio.gather(*(platforms.probe("MBG", url) for url in mbg_urls))
    mivb, secondary, micollab, hunt_groups = await asyncio.gather(
        platforms.probe("MiVB", mivb_url),
        _maybe_probe(platforms, mivb_secondary_url),
        platforms.probe("MiCollab", micollab_url),
        _hunt_groups(platforms, mivb_url),
    )
    return Observed(mivb, secondary, micollab, list(await mbgs), hunt_groups)


async def observe_group(platforms: Platforms, group: PlatformGroup) -> Observed:
    secondary = group.mivb_secondary.url if group.mivb_secondary else None
    mbg_urls = [site.mbg.url for site in group.sites]
    return await observe(platforms, group.mivb.url, secondary, group.micollab.url, mbg_urls)


async def _maybe_probe(platforms: Platforms, url: str | None) -> Probe | None:
    return None if url is None else await platforms.probe("MiVB", url)


async def _hunt_groups(platforms: Platforms, mivb_url: str) -> HuntGroups | Unreachable:
    try:
        return await platforms.hunt_groups(mivb_url)
    except PlatformCallFailed as failure:
        return Unreachable(failure.problem)
