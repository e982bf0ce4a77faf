"""Use cases: the welcome mail on CustomerActivated (R26), the billing-change mail on CustomerUpdated (R27),
redeeming a set-password link, templates."""

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from mmp_contracts import CloudEvent, Message
from mmp_contracts.base import Violation
from mmp_contracts.customer_spec import BillingChange
from mmp_contracts.events import (
    BillingChangeMailFailed,
    BillingChangeMailSent,
    CustomerActivated,
    CustomerUpdated,
    WelcomeMailFailed,
    WelcomeMailSent,
)
from mmp_servicekit.outbox import Cause
from notify_svc.domain.billing_change import compose_billing_change, notified_changes
from notify_svc.domain.links import Redemption, check_redemption, hash_token, issue_link
from notify_svc.domain.templates import (
    BILLING_CHANGE_TEMPLATE_ID,
    MailTemplate,
    TemplateError,
    rules_for,
    validate_template,
)
from notify_svc.domain.welcome import OutgoingMail, compose_welcome, template_id_of
from notify_svc.store import NotifyStore

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


class Mailer(Protocol):
    async def send(self, mail: OutgoingMail) -> str | None:
        """None once the server accepted the mail, else why it did not."""
        ...


def utc_now() -> datetime:
    return datetime.now(UTC)


class NotifyHandlers:
    def __init__(
        self, store: NotifyStore, mailer: Mailer, sender: str, link_ttl: timedelta, clock: Clock = utc_now
    ) -> None:
        self.store = store
        self.mailer = mailer
        self.sender = sender
        self.link_ttl = link_ttl
        self.clock = clock

    async def customer_activated(self, event: CustomerActivated, envelope: CloudEvent) -> None:
        # Keyed by customer, not by message id: a re-published activation (new envelope id) must not
        # mail the user twice either.
        if await self.store.has_welcome(event.customer_id):
            return
        cause = Cause.of(envelope)
        if not event.send_welcome_mail:
            await self.store.record_not_wanted(event, cause)
            return
        template_id = template_id_of(event)
        template = await self.store.get_template(template_id)
        if template is None:
            await self._failed(event, template_id, f"unknown mail template {template_id!r}", cause)
            return
        link = issue_link(self.clock(), self.link_ttl)
        try:
            mail = compose_welcome(event, template, link, self.sender)
        except TemplateError as error:
            await self._failed(event, template_id, f"mail template {template_id!r}: {error}", cause)
            return
        failure = await self.mailer.send(mail)
        if failure is not None:
            await self._failed(event, template_id, failure, cause)
            return
        sent = WelcomeMailSent(
            customer_id=event.customer_id,
            template_id=template_id,
            recipient=mail.recipient,
            link_expires_at=link.expires_at.isoformat(),
        )
        if await self.store.record_sent(event, template_id, link, self.clock(), cause, [sent]):
            log.info("welcome mail for customer %s sent with template %s", event.customer_id, template_id)

    async def _failed(self, event: CustomerActivated, template_id: str, reason: str, cause: Cause) -> None:
        """R20: the mail comes after activation, so its failure is reported and undoes nothing."""
        failed = WelcomeMailFailed(customer_id=event.customer_id, reason=reason)
        if await self.store.record_failed(event, template_id, reason, self.clock(), cause, [failed]):
            log.warning("welcome mail for customer %s failed: %s", event.customer_id, reason)

    async def customer_updated(self, event: CustomerUpdated, envelope: CloudEvent) -> None:
        """R27: one mail per edit to the customer's contact, for the bundles that ask to be notified.
        Like the welcome mail it comes after the change is done, so a failure is reported and undoes nothing."""
        changes = notified_changes(event)
        # Keyed by task, not by message id: a second envelope of the same edit must not mail twice either.
        if not changes or await self.store.has_billing_change_mail(event.task_id):
            return
        reason = await self._send_billing_change(event, changes)
        customer_id, task_id = event.customer_id, event.task_id
        outcome: Message = (
            BillingChangeMailFailed(customer_id=customer_id, task_id=task_id, reason=reason)
            if reason
            else BillingChangeMailSent(
                customer_id=customer_id, task_id=task_id, recipient=event.spec.details.contact_email
            )
        )
        at, cause = self.clock(), Cause.of(envelope)
        if await self.store.record_billing_change_mail(
            event, changes, BILLING_CHANGE_TEMPLATE_ID, at, reason, cause, [outcome]
        ):
            level = logging.WARNING if reason else logging.INFO
            log.log(level, "billing-change mail of task %s: %s", task_id, f"failed: {reason}" if reason else "sent")

    async def _send_billing_change(self, event: CustomerUpdated, changes: list[BillingChange]) -> str | None:
        """None once the mail was accepted, else why not."""
        template = await self.store.get_template(BILLING_CHANGE_TEMPLATE_ID)
        if template is None:
            return f"unknown mail template {BILLING_CHANGE_TEMPLATE_ID!r}"
        try:
            mail = compose_billing_change(event, changes, template, self.sender)
        except TemplateError as error:
            return f"mail template {BILLING_CHANGE_TEMPLATE_ID!r}: {error}"
        return await self.mailer.send(mail)

    async def redeem_link(self, token: str) -> Redemption:
        """R26: a set-password link works once, before it expires."""
        token_hash = hash_token(token)
        for _ in range(3):
            found = await self.store.find_link(token_hash)
            now = self.clock()
            outcome = check_redemption(found.link if found else None, now)
            if found is None or outcome is not Redemption.ACCEPTED:
                return outcome
            if await self.store.mark_link_used(found, now):
                log.info("set-password link of customer %s redeemed", found.customer_id)
                return outcome
        return Redemption.USED  # lost every race: someone else redeemed it

    async def put_template(self, template: MailTemplate) -> list[Violation]:
        violations = validate_template(template.subject, template.body, rules_for(template.id))
        if not violations:
            await self.store.put_template(template, self.clock())
        return violations
