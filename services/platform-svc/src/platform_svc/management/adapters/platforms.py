"""What a platform group's platforms say about themselves: GET /api/system of each, and the MiVB's hunt
groups (R4), all read at once. Reads only: management never writes to a platform."""

import asyncio

from mmp_servicekit.platform_http import PlatformCallFailed, PlatformClient, path
from platform_svc.management.domain.health import Addresses, Observed
from platform_svc.management.domain.platforms import HuntGroup, Probe, SystemInfo, Unreachable


class PlatformProbes:
    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    async def probe(self, label: str, url: str) -> Probe:
        """`label` is "MiVB", "MiCollab" or "MBG"; whatever answers, and as what, is the domain's to judge."""
        try:
            info = (await self.client.call(label, "GET", url, path("system"))).json()
            return SystemInfo(str(info["product"]), str(info["version"]), info.get("rest_api_scripts"))
        except PlatformCallFailed as failure:
            return Unreachable(failure.problem)
        except (ValueError, KeyError, TypeError, AttributeError):
            return Unreachable("GET /api/system answered no product and version")

    async def hunt_groups(self, mivb_url: str) -> list[HuntGroup] | Unreachable:
        try:
            groups = (await self.client.call("MiVB", "GET", mivb_url, path("hunt-groups"))).json()
        except PlatformCallFailed as failure:
            return Unreachable(failure.problem)
        except ValueError:
            return Unreachable("GET /api/hunt-groups answered no JSON")
        return hunt_groups_of(groups)

    async def observe(self, addresses: Addresses) -> Observed:
        """One round: every platform of the group asked at once."""
        mbgs = asyncio.gather(*(self.probe("MBG", url) for url in addresses.mbgs))
        mivb, secondary, micollab, hunt_groups = await asyncio.gather(
            self.probe("MiVB", addresses.mivb),
            self._maybe_probe(addresses.mivb_secondary),
            self.probe("MiCollab", addresses.micollab),
            self.hunt_groups(addresses.mivb),
        )
        return Observed(addresses, mivb, secondary, micollab, list(await mbgs), hunt_groups)

    async def _maybe_probe(self, url: str | None) -> Probe | None:
        return None if url is None else await self.probe("MiVB", url)


def hunt_groups_of(answer: object) -> list[HuntGroup]:
    """The MiVB's answer to GET /api/hunt-groups; anything not a hunt group is skipped."""
    if not isinstance(answer, list):
        return []
    return [
        HuntGroup(str(group.get("number", "")), str(group.get("name", "")), str(group.get("type", "")))
        for group in answer
        if isinstance(group, dict)
    ]
