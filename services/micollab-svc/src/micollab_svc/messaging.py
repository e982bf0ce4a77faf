"""Which messages micollab-svc consumes and the handler each one calls."""

from mmp_contracts import events, topics
from mmp_servicekit.broker import subscribe
from mmp_servicekit.runtime import Runtime

from micollab_svc.handlers import MiCollabHandlers

GROUP = "micollab-svc"


def register(runtime: Runtime, handlers: MiCollabHandlers) -> None:
    router = runtime.router
    router.on(events.PlatformAssigned, handlers.platform_assigned)
    router.on(events.RollbackRetryRequested, handlers.rollback_retry_requested)
    for topic in (topics.PLATFORM_EVENTS, topics.CUSTOMER_EVENTS):
        subscribe(runtime.broker, topic, GROUP, router, runtime.settings)
