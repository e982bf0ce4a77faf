"""Which messages provisioning consumes, and the handler each one calls."""

from mmp_contracts import events, topics
from mmp_servicekit.runtime import Runtime
from platform_svc.provisioning.handlers.create import CreateHandlers
from platform_svc.provisioning.handlers.did_ranges import DidRangeHandlers
from platform_svc.provisioning.handlers.edit import EditHandlers
from platform_svc.provisioning.handlers.release import ReleaseHandlers

GROUP = "platform-svc"


def register(
    runtime: Runtime, create: CreateHandlers, release: ReleaseHandlers, edit: EditHandlers, dids: DidRangeHandlers
) -> None:
    router = runtime.router
    router.on(events.CustomerRequested, create.customer_requested)
    router.on(events.MiCollabProvisioningFailed, release.micollab_provisioning_failed)
    router.on(events.RollbackRetryRequested, release.release_requested)
    router.on(events.CustomerDeletionRequested, release.release_requested)
    router.on(events.CustomerUpdateRequested, edit.customer_update_requested)
    router.on(events.MiCollabUpdateFailed, edit.micollab_update_failed)
    router.on(events.DidRangeAdditionRequested, dids.did_range_addition_requested)
    router.on(events.DidRangeRemovalRequested, dids.did_range_removal_requested)
    runtime.subscribe((topics.CUSTOMER_EVENTS, topics.MICOLLAB_EVENTS), GROUP)
