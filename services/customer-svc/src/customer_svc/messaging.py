"""Which messages customer-svc consumes and the handler each one calls."""

from customer_svc.did_handlers import DidRangeHandlers
from customer_svc.handlers import CustomerHandlers
from mmp_contracts import commands, events, topics
from mmp_servicekit.broker import subscribe
from mmp_servicekit.runtime import Runtime

GROUP = "customer-svc"


def register(runtime: Runtime, handlers: CustomerHandlers, dids: DidRangeHandlers) -> None:
    router = runtime.router
    router.on(commands.AddDidRange, dids.add_did_range)
    router.on(commands.RemoveDidRange, dids.remove_did_range)
    router.on(events.DidRangeProvisioned, dids.provisioned)
    router.on(events.DidRangeProvisioningFailed, dids.provisioning_failed)
    router.on(events.DidRangeReleased, dids.released)
    router.on(events.DidRangeReleaseFailed, dids.release_failed)
    router.on(commands.CreateCustomer, handlers.create_customer)
    router.on(commands.RetryRollback, handlers.retry_rollback)
    router.on(commands.DeleteCustomer, handlers.delete_customer)
    router.on(commands.ConvertCustomerToDemo, handlers.convert_to_demo)
    router.on(commands.UpdateCustomer, handlers.update_customer)
    router.on(commands.ConfirmBillingChange, handlers.confirm_billing_change)
    router.on(events.PlatformUpdateFailed, handlers.platform_update_failed)
    router.on(events.PlatformUpdateReverted, handlers.platform_update_reverted)
    router.on(events.PlatformUpdateRevertFailed, handlers.platform_update_revert_failed)
    router.on(events.MiCollabUpdated, handlers.micollab_updated)
    router.on(events.MiCollabUpdateFailed, handlers.micollab_update_failed)
    router.on(events.PlatformGroupCreated, handlers.platform_group_created)
    router.on(events.PlatformGroupDeleted, handlers.platform_group_deleted)
    router.on(events.PlatformAssigned, handlers.platform_assigned)
    router.on(events.PlatformAssignmentFailed, handlers.platform_assignment_failed)
    router.on(events.MiCollabTenantProvisioned, handlers.micollab_provisioned)
    router.on(events.MiCollabProvisioningFailed, handlers.micollab_failed)
    router.on(events.PlatformReleased, handlers.platform_released)
    router.on(events.PlatformReleaseFailed, handlers.platform_release_failed)
    router.on(events.MiCollabTenantRemoved, handlers.micollab_removed)
    router.on(events.MiCollabRemovalFailed, handlers.micollab_removal_failed)
    router.on(events.WelcomeMailSent, handlers.welcome_mail_sent)
    router.on(events.WelcomeMailFailed, handlers.welcome_mail_failed)
    inbound = (topics.CUSTOMER_COMMANDS, topics.PLATFORM_EVENTS, topics.MICOLLAB_EVENTS, topics.NOTIFY_EVENTS)
    subscribe(runtime.broker, inbound, GROUP, router, runtime.settings)
