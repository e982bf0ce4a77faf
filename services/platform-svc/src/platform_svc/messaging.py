"""Which messages platform-svc consumes and the handler each one calls."""

from mmp_contracts import events, topics
from mmp_servicekit.broker import subscribe
from mmp_servicekit.runtime import Runtime
from platform_svc.handlers import AssignmentHandlers

GROUP = "platform-svc"


def register(runtime: Runtime, handlers: AssignmentHandlers) -> None:
    router = runtime.router
    router.on(events.CustomerRequested, handlers.customer_requested)
    router.on(events.RollbackRetryRequested, handlers.rollback_retry_requested)
    router.on(events.MiCollabProvisioningFailed, handlers.micollab_provisioning_failed)
    subscribe(runtime.broker, (topics.CUSTOMER_EVENTS, topics.MICOLLAB_EVENTS), GROUP, router, runtime.settings)
