"""What provisioning asks of a platform before it acts: who is there (GET /api/system) and, on the MiVB,
its hunt groups (R4)."""

from mmp_servicekit.platform_http import PlatformCallFailed, PlatformClient, path
from platform_svc.management.domain.platforms import HuntGroup, Probe, SystemInfo, Unreachable


async def system(client: PlatformClient, label: str, url: str) -> Probe:
    try:
        info = (await client.call(label, "GET", url, path("system"))).json()
        return SystemInfo(str(info["product"]), str(info["version"]), info.get("rest_api_scripts"))
    except PlatformCallFailed as failure:
        return Unreachable(failure.problem)
    except (ValueError, KeyError, TypeError, AttributeError):
        return Unreachable("GET /api/system answered no product and version")


def hunt_groups_of(answer: object) -> list[HuntGroup]:
    """The MiVB's answer to GET /api/hunt-groups; anything not a hunt group is skipped."""
    if not isinstance(answer, list):
        return []
    return [
        HuntGroup(str(group.get("number", "")), str(group.get("name", "")), str(group.get("type", "")))
        for group in answer
        if isinstance(group, dict)
    ]
