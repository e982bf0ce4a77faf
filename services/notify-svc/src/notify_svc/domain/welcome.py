"""The welcome mail (R26): one per customer, to its first user, from the chosen template, with a one-time
set-password link.

The record is written before the mail goes out (SENDING, with the link's hash and the exact message but
for the token), then marked SENT or FAILED. A redelivery that finds it SENDING sends the same message with
the same link again; one that finds it decided does nothing.

Its link is withdrawn, unless already redeemed, once the customer is converted to demo mode (R24) or deleted
(R23). The record stays, under the customer's id: a later activation of the same customer still finds it and
mails nothing, and a customer created again with the same WebID has a new id, so a mail and link of its own.
"""

from dataclasses import dataclass, field
from datetime import datetime

from mmp_contracts import Message
from mmp_contracts.events import CustomerActivated, WelcomeMailFailed, WelcomeMailSent
from notify_svc.domain.links import (
    IssuedLink,
    LinkKey,
    Redemption,
    SetPasswordLink,
    Withdrawal,
    as_utc,
    check_redemption,
)
from notify_svc.domain.mail import MailStatus, OutgoingMail, mail_domain
from notify_svc.domain.templates import DEFAULT_TEMPLATE_ID, MailTemplate, TemplateError, render


@dataclass(frozen=True)
class MailDraft:
    """A welcome mail as rendered, cut where its set-password token goes: the record holds no credential."""

    sender: str
    recipient: str
    subject: str
    message_id: str
    body_parts: tuple[str, ...] = field(repr=False)

    @classmethod
    def cut(cls, mail: OutgoingMail, token: str) -> "MailDraft":
        # The token is 256 bits of HMAC output: it occurs in the body only where the link put it.
        parts = tuple(mail.body.split(token))
        return cls(mail.sender, mail.recipient, mail.subject, mail.message_id, parts)

    def complete(self, token: str) -> OutgoingMail:
        return OutgoingMail(self.sender, self.recipient, self.subject, token.join(self.body_parts), self.message_id)


@dataclass
class WelcomeMail:
    customer_id: str
    task_id: str
    webid: str
    recipient: str
    status: MailStatus
    template_id: str | None = None
    link: SetPasswordLink | None = None
    draft: MailDraft | None = None
    """While SENDING: the message to send (again)."""
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    reason: str | None = None

    @classmethod
    def request(
        cls, event: CustomerActivated, template: MailTemplate | None, key: LinkKey, sender: str, now: datetime
    ) -> tuple["WelcomeMail", list[Message]]:
        """The welcome mail an activation asks for, before anything is sent: SENDING with its link and its
        message; NOT_WANTED; or FAILED when its template is unknown or no longer renders. A failure comes
        after the activation (R20), so it is reported and undoes nothing."""
        mail = cls(event.customer_id, event.task_id, event.webid, event.first_user.email, MailStatus.SENDING)
        if not event.send_welcome_mail:
            mail.status = MailStatus.NOT_WANTED
            return mail, []
        mail.template_id = template_id = template_id_of(event)
        if template is None:
            return mail, mail._fail(f"unknown mail template {template_id!r}", now)
        link = key.issue(event.customer_id, now)
        try:
            outgoing = compose_welcome(event, template, link, sender)
        except TemplateError as error:
            return mail, mail._fail(f"mail template {template_id!r}: {error}", now)
        mail.link = SetPasswordLink(token_hash=link.token_hash, expires_at=link.expires_at)
        mail.draft = MailDraft.cut(outgoing, link.token)
        return mail, []

    def to_send(self, key: LinkKey) -> OutgoingMail | None:
        """The recorded message with its link while the mail is SENDING; None once it is decided."""
        if self.status is not MailStatus.SENDING or self.draft is None or self.link is None:
            return None
        link = key.reissue(self.customer_id, self.link.expires_at)
        if link.token_hash != self.link.token_hash:
            raise ValueError(f"the link key changed since the welcome mail of {self.customer_id} was recorded")
        return self.draft.complete(link.token)

    def mark_sent(self, now: datetime) -> list[Message] | None:
        if self.status is not MailStatus.SENDING or self.link is None or self.template_id is None:
            return None
        self.status, self.sent_at, self.draft = MailStatus.SENT, now, None
        sent = WelcomeMailSent(
            customer_id=self.customer_id,
            template_id=self.template_id,
            recipient=self.recipient,
            link_expires_at=self.link.expires_at.isoformat(),
        )
        return [sent]

    def mark_failed(self, reason: str, now: datetime) -> list[Message] | None:
        if self.status is not MailStatus.SENDING:
            return None
        return self._fail(reason, now)

    def withdraw_link(self, why: Withdrawal, now: datetime) -> list[Message] | None:
        """R23, R24: the customer can no longer be logged into, so its link, if not yet redeemed, is refused
        from now on. No event: nobody else acts on it. None when there is nothing (more) to withdraw."""
        if self.link is None or not self.link.withdraw(why, now):
            return None
        return []

    def redeem_link(self, token_hash: str, now: datetime) -> Redemption:
        """R26: the link works once, before it expires, unless it was withdrawn (R23, R24)."""
        if self.link is None or self.link.token_hash != token_hash:
            return Redemption.UNKNOWN
        outcome = check_redemption(self.link, now)
        if outcome is Redemption.ACCEPTED:
            self.link.used, self.link.used_at = True, now
        return outcome

    def _fail(self, reason: str, now: datetime) -> list[Message]:
        # A link that may not have reached anyone is withdrawn with the mail.
        self.status, self.failed_at, self.reason = MailStatus.FAILED, now, reason
        self.link = self.draft = None
        return [WelcomeMailFailed(customer_id=self.customer_id, reason=reason)]


def template_id_of(event: CustomerActivated) -> str:
    return event.welcome_mail_template_id or DEFAULT_TEMPLATE_ID


def welcome_message_id(customer_id: str, sender: str) -> str:
    """Deterministic, so a resend after a crash carries the same Message-ID and can be recognised."""
    return f"<welcome.{customer_id}@{mail_domain(sender)}>"


def format_expiry(moment: datetime) -> str:
    return as_utc(moment).strftime("%Y-%m-%d %H:%M UTC")


def compose_welcome(event: CustomerActivated, template: MailTemplate, link: IssuedLink, sender: str) -> OutgoingMail:
    """Raises TemplateError when a stored template names a placeholder that no longer exists.

    Only the first user is written to: MiCollab mails every user its own service details (R26).
    """
    user = event.first_user
    values = {
        "customer_name": event.name,
        "webid": event.webid,
        "portal_url": event.portal_url,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "username": user.username,
        "set_password_link": link.url(event.portal_url),
        "link_expires_at": format_expiry(link.expires_at),
    }
    subject = " ".join(render(template.subject, values).split())  # a header: no line breaks
    return OutgoingMail(
        sender=sender,
        recipient=user.email,
        subject=subject,
        body=render(template.body, values),
        message_id=welcome_message_id(event.customer_id, sender),
    )
