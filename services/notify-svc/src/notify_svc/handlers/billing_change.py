"""The billing-change mail on CustomerUpdated (R27): recorded, then sent, then marked with the outcome."""

import logging

from mmp_contracts import CloudEvent, Message
from mmp_contracts.events import CustomerUpdated
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from notify_svc.adapters.smtp import Mailer
from notify_svc.adapters.store import TemplateStore
from notify_svc.domain.billing_change import BillingChangeMail
from notify_svc.domain.templates import BILLING_CHANGE_TEMPLATE_ID
from notify_svc.handlers import Clock, utc_now
from notify_svc.handlers.delivery import MailDelivery

log = logging.getLogger(__name__)


class BillingChangeHandlers:
    def __init__(
        self,
        mails: Repository[BillingChangeMail],
        templates: TemplateStore,
        mailer: Mailer,
        sender: str,
        clock: Clock = utc_now,
    ) -> None:
        self.templates = templates
        self.sender = sender
        self.clock = clock
        self.delivery = MailDelivery(mails, mailer, BillingChangeMail.to_send, clock)

    async def customer_updated(self, event: CustomerUpdated, envelope: CloudEvent) -> None:
        """One mail per edit to the customer's contact, for the bundles that ask to be notified."""
        # Keyed by task, not by message id: a second envelope of the same edit finds it too.
        marked = await self.delivery.deliver(event.task_id, Cause.of(envelope), lambda: self._request(event))
        if marked is None:
            return
        failure = marked.failure
        level = logging.WARNING if failure else logging.INFO
        log.log(level, "billing-change mail of task %s: %s", event.task_id, f"failed: {failure}" if failure else "sent")

    async def _request(self, event: CustomerUpdated) -> tuple[BillingChangeMail, list[Message]] | None:
        """None when no change asks to be mailed (R27)."""
        template = await self.templates.get(BILLING_CHANGE_TEMPLATE_ID)
        return BillingChangeMail.request(event, template, self.sender, self.clock())
