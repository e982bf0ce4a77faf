"""Every message type by its CloudEvents `type`, and the upcasters that read older versions."""

from collections.abc import Callable
from typing import Any

from mmp_contracts import commands as c
from mmp_contracts import events as e
from mmp_contracts.base import Message

CATALOGUE: tuple[type[Message], ...] = (
    c.CreateCustomer,
    c.RetryRollback,
    c.DeleteCustomer,
    c.ConvertCustomerToDemo,
    c.UpdateCustomer,
    c.ConfirmBillingChange,
    c.AddDidRange,
    c.RemoveDidRange,
    e.CustomerRequested,
    e.CustomerRejected,
    e.CustomerActivated,
    e.CustomerFailed,
    e.CustomerRollbackFailed,
    e.RollbackRetryRequested,
    e.CustomerDeletionRequested,
    e.CustomerDeleted,
    e.CustomerDeletionFailed,
    e.CustomerConvertedToDemo,
    e.CustomerUpdateRequested,
    e.BillingChangeAwaitingConfirmation,
    e.CustomerUpdated,
    e.CustomerUpdateFailed,
    e.DidRangeAdditionRequested,
    e.DidRangeAdded,
    e.DidRangeRemovalRequested,
    e.DidRangeRemoved,
    e.TaskCompleted,
    e.TaskFailed,
    e.PlatformAssigned,
    e.PlatformAssignmentFailed,
    e.PlatformReleased,
    e.PlatformReleaseFailed,
    e.PlatformUpdated,
    e.PlatformUpdateFailed,
    e.PlatformUpdateReverted,
    e.PlatformUpdateRevertFailed,
    e.DidRangeProvisioned,
    e.DidRangeProvisioningFailed,
    e.DidRangeReleased,
    e.DidRangeReleaseFailed,
    e.PlatformGroupCreated,
    e.PlatformGroupChanged,
    e.PlatformGroupDeleted,
    e.PlatformManagerStatusChanged,
    e.MiCollabTenantProvisioned,
    e.MiCollabProvisioningFailed,
    e.MiCollabTenantRemoved,
    e.MiCollabRemovalFailed,
    e.MiCollabUpdated,
    e.MiCollabUpdateFailed,
    e.WelcomeMailSent,
    e.WelcomeMailFailed,
    e.BillingChangeMailSent,
    e.BillingChangeMailFailed,
)

MESSAGE_TYPES: dict[str, type[Message]] = {cls.type_name(): cls for cls in CATALOGUE}

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]
UPCASTERS: dict[tuple[str, int], Upcaster] = {}
"""(type, old version) -> the function that turns that version's data into the next version's."""


def upcast(type_name: str, version: int, data: dict[str, Any]) -> dict[str, Any]:
    current = MESSAGE_TYPES[type_name].schema_version
    while version < current:
        data = UPCASTERS[(type_name, version)](data)
        version += 1
    return data
