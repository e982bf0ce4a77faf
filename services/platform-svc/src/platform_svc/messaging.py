"""Which messages platform-svc consumes and the handler each one calls."""

from mmp_contracts import events, topics
from mmp_servicekit.broker import subscribe
from mmp_servicekit.runtime import Runtime
from platform_svc.dids import DidRangeHandlers
from platform_svc.editing import EditHandlers
from platform_svc.handlers import AssignmentHandlers

GROUP = "platform-svc"


def register(runtime: Runtime, handlers: AssignmentHandlers, edits: EditHandlers, dids: DidRangeHandlers) -> None:
    router = runtime.router
    router.on(events.CustomerRequested, handlers.customer_requested)
    router.on(events.RollbackRetryRequested, handlers.release_requested)
    router.on(events.CustomerDeletionRequested, handlers.release_requested)
    router.on(events.MiCollabProvisioningFailed, handlers.micollab_provisioning_failed)
    router.on(events.CustomerUpdateRequested, edits.customer_update_requested)
    router.on(events.MiCollabUpdateFailed, edits.micollab_update_failed)
    router.on(events.DidRangeAdditionRequested, dids.addition_requested)
    router.on(events.DidRangeRemovalRequested, dids.removal_requested)
    subscribe(runtime.broker, (topics.CUSTOMER_EVENTS, topics.MICOLLAB_EVENTS), GROUP, router, runtime.settings)
