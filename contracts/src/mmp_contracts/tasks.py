"""The kinds of task a customer can have: one name for each, in every service and on the wire."""

from enum import StrEnum


class TaskKind(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    CONFIRM_BILLING_CHANGE = "confirm-billing-change"
    ADD_DID_RANGE = "add-did-range"
    REMOVE_DID_RANGE = "remove-did-range"
    CONVERT_TO_DEMO = "convert-to-demo"
    DELETE = "delete"
    RETRY_ROLLBACK = "retry-rollback"
