"""Which messages micollab-svc consumes and the handler each one calls."""

from micollab_svc.handlers.edit import EditHandlers
from micollab_svc.handlers.provisioning import ProvisioningHandlers
from micollab_svc.handlers.removal import RemovalHandlers
from mmp_contracts import events, topics
from mmp_servicekit.runtime import Runtime

GROUP = "micollab-svc"


def register(
    runtime: Runtime, provisioning: ProvisioningHandlers, edit: EditHandlers, removal: RemovalHandlers
) -> None:
    router = runtime.router
    router.on(events.PlatformAssigned, provisioning.platform_assigned)
    router.on(events.PlatformUpdated, edit.platform_updated)
    router.on(events.RollbackRetryRequested, removal.release_requested)
    router.on(events.CustomerDeletionRequested, removal.release_requested)
    runtime.subscribe((topics.PLATFORM_EVENTS, topics.CUSTOMER_EVENTS), GROUP)
