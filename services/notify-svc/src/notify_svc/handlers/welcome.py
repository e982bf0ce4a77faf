"""The welcome mail on CustomerActivated (R26): recorded, then sent, then marked with the outcome."""

import logging

from mmp_contracts import CloudEvent
from mmp_contracts.events import CustomerActivated
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Outcome, Repository
from notify_svc.adapters.smtp import Mailer
from notify_svc.adapters.store import TemplateStore
from notify_svc.domain.links import LinkKey
from notify_svc.domain.welcome import WelcomeMail, template_id_of
from notify_svc.handlers import Clock, utc_now

log = logging.getLogger(__name__)


class WelcomeHandlers:
    def __init__(
        self,
        mails: Repository[WelcomeMail],
        templates: TemplateStore,
        mailer: Mailer,
        key: LinkKey,
        sender: str,
        clock: Clock = utc_now,
    ) -> None:
        self.mails = mails
        self.templates = templates
        self.mailer = mailer
        self.key = key
        self.sender = sender
        self.clock = clock

    async def customer_activated(self, event: CustomerActivated, envelope: CloudEvent) -> None:
        cause = Cause.of(envelope)
        # Keyed by customer, not by message id: a re-published activation (new envelope id) finds it too.
        mail = await self.mails.get(event.customer_id)
        if mail is None:
            template = await self.templates.get(template_id_of(event))
            mail, events = WelcomeMail.request(event, template, self.key, self.sender, self.clock())
            # Recorded before anything is sent, without the message's id: that is written with the outcome,
            # so a redelivery of this very message still finds the mail to send.
            if not await self.mails.create(mail, Cause(cause.correlation_id), events):
                return  # a concurrent delivery recorded it first and sends it
        outgoing = mail.to_send(self.key)
        if outgoing is None:
            return  # sent, failed or not wanted: decided once
        failure = await self.mailer.send(outgoing)
        now = self.clock()
        outcome = await self.mails.change(
            event.customer_id,
            cause,
            lambda current: current.mark_sent(now) if failure is None else current.mark_failed(failure, now),
        )
        if outcome is Outcome.CHANGED and failure is None:
            log.info("welcome mail for customer %s sent with template %s", event.customer_id, mail.template_id)
        elif outcome is Outcome.CHANGED:
            log.warning("welcome mail for customer %s failed: %s", event.customer_id, failure)
