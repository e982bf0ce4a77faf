"""MiCollab: provisioning only asks whether it answers, and its version (R5, R16-R19); micollab-svc does
the rest."""

from mmp_servicekit.platform_http import PlatformClient
from platform_svc.management.domain.platforms import Probe
from platform_svc.provisioning.adapters.platforms import system


class MiCollab:
    def __init__(self, client: PlatformClient) -> None:
        self.client = client

    async def system(self, url: str) -> Probe:
        return await system(self.client, "MiCollab", url)
