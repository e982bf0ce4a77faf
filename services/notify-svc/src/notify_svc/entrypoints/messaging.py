"""Which messages notify-svc consumes and the handler each one calls."""

from mmp_contracts import events, topics
from mmp_servicekit.runtime import Runtime
from notify_svc.handlers.billing_change import BillingChangeHandlers
from notify_svc.handlers.set_password import SetPasswordHandlers
from notify_svc.handlers.welcome import WelcomeHandlers

GROUP = "notify-svc"


def register(
    runtime: Runtime,
    welcome: WelcomeHandlers,
    billing_change: BillingChangeHandlers,
    set_password: SetPasswordHandlers,
) -> None:
    runtime.router.on(events.CustomerActivated, welcome.customer_activated)
    runtime.router.on(events.CustomerUpdated, billing_change.customer_updated)
    runtime.router.on(events.CustomerConvertedToDemo, set_password.customer_converted_to_demo)
    runtime.router.on(events.CustomerDeleted, set_password.customer_deleted)
    runtime.subscribe(topics.CUSTOMER_EVENTS, GROUP)
