"""The welcome mail on CustomerActivated (R26): recorded, then sent, then marked with the outcome."""

import logging

from mmp_contracts import CloudEvent, Message
from mmp_contracts.events import CustomerActivated
from mmp_servicekit.outbox import Cause
from mmp_servicekit.repository import Repository
from notify_svc.adapters.smtp import Mailer
from notify_svc.adapters.store import TemplateStore
from notify_svc.domain.links import LinkKey
from notify_svc.domain.welcome import WelcomeMail, template_id_of
from notify_svc.handlers import Clock, utc_now
from notify_svc.handlers.delivery import MailDelivery

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
        self.templates = templates
        self.key = key
        self.sender = sender
        self.clock = clock
        # A resend carries the recorded link again: its token is re-derived under the same key.
        self.delivery = MailDelivery(mails, mailer, lambda mail: mail.to_send(key), clock)

    async def customer_activated(self, event: CustomerActivated, envelope: CloudEvent) -> None:
        # Keyed by customer, not by message id: a re-published activation (new envelope id) finds it too.
        marked = await self.delivery.deliver(event.customer_id, Cause.of(envelope), lambda: self._request(event))
        if marked is None:
            return
        if marked.failure is None:
            log.info("welcome mail for customer %s sent with template %s", event.customer_id, marked.mail.template_id)
        else:
            log.warning("welcome mail for customer %s failed: %s", event.customer_id, marked.failure)

    async def _request(self, event: CustomerActivated) -> tuple[WelcomeMail, list[Message]]:
        template = await self.templates.get(template_id_of(event))
        return WelcomeMail.request(event, template, self.key, self.sender, self.clock())
