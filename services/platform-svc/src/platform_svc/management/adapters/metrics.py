"""platform-svc's Platform Manager status as a metric (docs/metrics.md), refreshed in the background from the stored
registration (mmp_servicekit.gauges says why not at scrape time).

`mmp_platform_manager_credentials_ok` (the handlers' gauge) is 0 whether the credentials are refused or the feature
is simply off; this one tells them apart, so an alert fires only for a Platform Manager in use.
"""

from prometheus_client import Gauge

from mmp_servicekit.metrics import ServiceMetrics
from mmp_servicekit.repository import Repository
from platform_svc.management.domain.platform_manager import PlatformManagerRegistration, PmStatus

DISABLED = "DISABLED"
STATES = (DISABLED, *(status.value for status in PmStatus))


class PlatformManagerStatus:
    def __init__(self, registrations: Repository[PlatformManagerRegistration], metrics: ServiceMetrics) -> None:
        self.registrations = registrations
        self.status = Gauge(
            "mmp_platform_manager_status",
            "1 for the Platform Manager's current status, 0 for the others: DISABLED (feature off), NOT_REGISTERED,"
            " OK, CREDENTIALS_REJECTED, UNREACHABLE (as at the last check of the stored credentials, R3)",
            ["status"],
            registry=metrics.registry,
        )

    async def refresh(self) -> None:
        pm = await self.registrations.get(PlatformManagerRegistration.ID) or PlatformManagerRegistration()
        current = state_of(pm)
        for state in STATES:
            self.status.labels(state).set(1 if state == current else 0)


def state_of(pm: PlatformManagerRegistration) -> str:
    if not pm.enabled:
        return DISABLED
    if pm.url is None:
        return PmStatus.NOT_REGISTERED.value
    return pm.status.value
