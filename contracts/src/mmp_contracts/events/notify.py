"""notify.events: published by notify-svc only."""

from mmp_contracts import topics
from mmp_contracts.events.common import CustomerKeyed


class NotifyEvent(CustomerKeyed):
    topic = topics.NOTIFY_EVENTS


class WelcomeMailSent(NotifyEvent):
    template_id: str
    recipient: str
    link_expires_at: str


class WelcomeMailFailed(NotifyEvent):
    reason: str


class BillingChangeMailSent(NotifyEvent):
    task_id: str
    recipient: str


class BillingChangeMailFailed(NotifyEvent):
    task_id: str
    reason: str
