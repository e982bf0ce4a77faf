"""The billing-change mail on CustomerUpdated (R27): recorded, then sent, then marked with the outcome."""

import logging

from mmp_contracts import CloudEvent
from mmp_contracts.events import CustomerUpdated
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Outcome, Repository
from notify_svc.adapters.smtp import Mailer
from notify_svc.adapters.store import TemplateStore
from notify_svc.domain.billing_change import BillingChangeMail
from notify_svc.domain.templates import BILLING_CHANGE_TEMPLATE_ID
from notify_svc.handlers import Clock, utc_now

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
        self.mails = mails
        self.templates = templates
        self.mailer = mailer
        self.sender = sender
        self.clock = clock

    async def customer_updated(self, event: CustomerUpdated, envelope: CloudEvent) -> None:
        """One mail per edit to the customer's contact, for the bundles that ask to be notified."""
        cause = Cause.of(envelope)
        # Keyed by task, not by message id: a second envelope of the same edit finds it too.
        mail = await self.mails.get(event.task_id)
        if mail is None:
            template = await self.templates.get(BILLING_CHANGE_TEMPLATE_ID)
            requested = BillingChangeMail.request(event, template, self.sender, self.clock())
            if requested is None:
                return  # no change asks to be mailed
            mail, events = requested
            # Recorded before anything is sent, without the message's id: that is written with the outcome,
            # so a redelivery of this very message still finds the mail to send.
            if not await self.mails.create(mail, Cause(cause.correlation_id), events):
                return  # a concurrent delivery recorded it first and sends it
        outgoing = mail.to_send()
        if outgoing is None:
            return  # sent or failed: decided once
        failure = await self.mailer.send(outgoing)
        now = self.clock()
        outcome = await self.mails.change(
            event.task_id,
            cause,
            lambda current: current.mark_sent(now) if failure is None else current.mark_failed(failure, now),
        )
        if outcome is Outcome.CHANGED:
            level = logging.WARNING if failure else logging.INFO
            log.log(
                level, "billing-change mail of task %s: %s", event.task_id, f"failed: {failure}" if failure else "sent"
            )
