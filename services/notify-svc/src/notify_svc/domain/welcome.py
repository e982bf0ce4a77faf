"""The welcome mail (R26): one mail, to the first user, from the chosen template."""

from dataclasses import dataclass, field
from datetime import datetime

from mmp_contracts.events import CustomerActivated
from notify_svc.domain.links import IssuedLink, as_utc
from notify_svc.domain.templates import DEFAULT_TEMPLATE_ID, MailTemplate, render


@dataclass(frozen=True)
class OutgoingMail:
    sender: str
    recipient: str
    subject: str
    body: str = field(repr=False)  # carries the set-password link
    message_id: str


def template_id_of(event: CustomerActivated) -> str:
    return event.welcome_mail_template_id or DEFAULT_TEMPLATE_ID


def welcome_message_id(customer_id: str, sender: str) -> str:
    """Deterministic, so a resend after a crash carries the same Message-ID and can be recognised."""
    return f"<welcome.{customer_id}@{mail_domain(sender)}>"


def mail_domain(sender: str) -> str:
    return sender.rpartition("@")[2] or "mmp.invalid"


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
