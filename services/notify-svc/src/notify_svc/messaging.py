"""Which messages notify-svc consumes and the handler each one calls."""

from mmp_contracts import events, topics
from mmp_servicekit.broker import subscribe
from mmp_servicekit.runtime import Runtime
from notify_svc.handlers import NotifyHandlers

GROUP = "notify-svc"


def register(runtime: Runtime, handlers: NotifyHandlers) -> None:
    runtime.router.on(events.CustomerActivated, handlers.customer_activated)
    runtime.router.on(events.CustomerUpdated, handlers.customer_updated)
    subscribe(runtime.broker, topics.CUSTOMER_EVENTS, GROUP, runtime.router, runtime.settings)
