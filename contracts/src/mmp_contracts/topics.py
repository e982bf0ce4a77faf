"""Topic names. Event topics are keyed by customer id, the command topic by WebID."""

CUSTOMER_COMMANDS = "customer.commands"
CUSTOMER_EVENTS = "customer.events"
PLATFORM_EVENTS = "platform.events"
MICOLLAB_EVENTS = "micollab.events"
NOTIFY_EVENTS = "notify.events"

ALL = (CUSTOMER_COMMANDS, CUSTOMER_EVENTS, PLATFORM_EVENTS, MICOLLAB_EVENTS, NOTIFY_EVENTS)


def dead_letter(topic: str) -> str:
    return f"{topic}.dlq"


PUBLISHER = {
    CUSTOMER_EVENTS: "customer-svc",
    PLATFORM_EVENTS: "platform-svc",
    MICOLLAB_EVENTS: "micollab-svc",
    NOTIFY_EVENTS: "notify-svc",
}
"""Only the owner publishes on its event topic; commands come from outside (a BSS, an administrator)."""
