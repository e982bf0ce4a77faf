"""Which messages customer-svc consumes and the handler each one calls."""

from customer_svc.handlers.catalogue import CatalogueHandlers
from customer_svc.handlers.create import CreateHandlers
from customer_svc.handlers.did_ranges import DidRangeHandlers
from customer_svc.handlers.edit import EditHandlers
from customer_svc.handlers.lifecycle import LifecycleHandlers
from mmp_contracts import commands, events, topics
from mmp_servicekit.runtime import Runtime

GROUP = "customer-svc"


def register(
    runtime: Runtime,
    create: CreateHandlers,
    edit: EditHandlers,
    dids: DidRangeHandlers,
    lifecycle: LifecycleHandlers,
    catalogue: CatalogueHandlers,
) -> None:
    router = runtime.router
    router.on(commands.CreateCustomer, create.create_customer)
    router.on(events.PlatformAssigned, create.platform_assigned)
    router.on(events.PlatformAssignmentFailed, create.platform_assignment_failed)
    router.on(events.MiCollabTenantProvisioned, create.micollab_tenant_provisioned)
    router.on(events.MiCollabProvisioningFailed, create.micollab_provisioning_failed)
    router.on(events.WelcomeMailSent, create.welcome_mail_sent)
    router.on(events.WelcomeMailFailed, create.welcome_mail_failed)

    router.on(commands.UpdateCustomer, edit.update_customer)
    router.on(commands.ConfirmBillingChange, edit.confirm_billing_change)
    router.on(events.MiCollabUpdated, edit.micollab_updated)
    router.on(events.MiCollabUpdateFailed, edit.micollab_update_failed)
    router.on(events.PlatformUpdateFailed, edit.platform_update_failed)
    router.on(events.PlatformUpdateReverted, edit.platform_update_reverted)
    router.on(events.PlatformUpdateRevertFailed, edit.platform_update_revert_failed)

    router.on(commands.AddDidRange, dids.add_did_range)
    router.on(commands.RemoveDidRange, dids.remove_did_range)
    router.on(events.DidRangeProvisioned, dids.did_range_provisioned)
    router.on(events.DidRangeProvisioningFailed, dids.did_range_provisioning_failed)
    router.on(events.DidRangeReleased, dids.did_range_released)
    router.on(events.DidRangeReleaseFailed, dids.did_range_release_failed)

    router.on(commands.RetryRollback, lifecycle.retry_rollback)
    router.on(commands.DeleteCustomer, lifecycle.delete_customer)
    router.on(commands.ConvertCustomerToDemo, lifecycle.convert_customer_to_demo)
    router.on(events.PlatformReleased, lifecycle.platform_released)
    router.on(events.PlatformReleaseFailed, lifecycle.platform_release_failed)
    router.on(events.MiCollabTenantRemoved, lifecycle.micollab_tenant_removed)
    router.on(events.MiCollabRemovalFailed, lifecycle.micollab_removal_failed)

    router.on(events.PlatformGroupCreated, catalogue.platform_group_created)
    router.on(events.PlatformGroupDeleted, catalogue.platform_group_deleted)

    inbound = (topics.CUSTOMER_COMMANDS, topics.PLATFORM_EVENTS, topics.MICOLLAB_EVENTS, topics.NOTIFY_EVENTS)
    runtime.subscribe(inbound, GROUP)
