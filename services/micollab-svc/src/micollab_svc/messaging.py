"""Which messages micollab-svc consumes and the handler each one calls."""

from micollab_svc.handlers import MiCollabHandlers
from mmp_contracts import events, topics
from mmp_servicekit.broker import subscribe
from mmp_servicekit.runtime import Runtime

GROUP = "micollab-svc"


def register(runtime: Runtime, handlers: MiCollabHandlers) -> None:
    router = runtime.router
    router.on(events.PlatformAssigned, handlers.platform_assigned)
    router.on(events.PlatformUpdated, handlers.updates.platform_updated)
    router.on(events.RollbackRetryRequested, handlers.release_requested)
    router.on(events.CustomerDeletionRequested, handlers.release_requested)
    subscribe(runtime.broker, (topics.PLATFORM_EVENTS, topics.CUSTOMER_EVENTS), GROUP, router, runtime.settings)
