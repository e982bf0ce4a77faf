"""The billing-change mail (R27): one per edit task, to the customer's contact e-mail, listing the bundles
whose quantity changed and that ask for it (`billing_change_notification`).

Like the welcome mail, it is recorded (SENDING, with its exact message) before it goes out, then marked
SENT or FAILED; a redelivery that finds it SENDING sends the same message again.
"""

import re
from dataclasses import dataclass
from datetime import datetime

from mmp_contracts import Message
from mmp_contracts.customer_spec import BillingChange
from mmp_contracts.events import BillingChangeMailFailed, BillingChangeMailSent, CustomerUpdated
from notify_svc.domain.mail import MailStatus, OutgoingMail, mail_domain
from notify_svc.domain.templates import BILLING_CHANGE_TEMPLATE_ID, MailTemplate, TemplateError, render

BILLING_CHANGE_TEMPLATE = MailTemplate(
    id=BILLING_CHANGE_TEMPLATE_ID,
    subject="The service bundles of {customer_name} have changed",
    body=(
        "Hello,\n\n"
        "The service bundle quantities of {customer_name} (WebID {webid}) have changed:\n\n"
        "{changes}\n\n"
        "Billing follows the new quantities from now on.\n"
    ),
)

_NOT_IN_MESSAGE_ID = re.compile(r"[^A-Za-z0-9._-]")


@dataclass
class BillingChangeMail:
    task_id: str
    customer_id: str
    webid: str
    recipient: str
    template_id: str
    changes: list[BillingChange]
    """The changes mailed: only those asking for it."""
    status: MailStatus = MailStatus.SENDING
    message: OutgoingMail | None = None
    """While SENDING: the message to send (again)."""
    sent_at: datetime | None = None
    failed_at: datetime | None = None
    reason: str | None = None

    @classmethod
    def request(
        cls, event: CustomerUpdated, template: MailTemplate | None, sender: str, now: datetime
    ) -> tuple["BillingChangeMail", list[Message]] | None:
        """The mail an edit asks for, before anything is sent: SENDING with its message, or FAILED when the
        template is unknown or no longer renders. None when no change asks to be mailed (R27). A failure
        comes after the edit is done (R22), so it is reported and undoes nothing."""
        changes = notified_changes(event)
        if not changes:
            return None
        template_id = BILLING_CHANGE_TEMPLATE_ID
        mail = cls(
            event.task_id, event.customer_id, event.webid, event.spec.details.contact_email, template_id, changes
        )
        if template is None:
            return mail, mail._fail(f"unknown mail template {template_id!r}", now)
        try:
            mail.message = compose_billing_change(event, changes, template, sender)
        except TemplateError as error:
            return mail, mail._fail(f"mail template {template_id!r}: {error}", now)
        return mail, []

    def to_send(self) -> OutgoingMail | None:
        """The recorded message while the mail is SENDING; None once it is decided."""
        return self.message if self.status is MailStatus.SENDING else None

    def mark_sent(self, now: datetime) -> list[Message] | None:
        if self.status is not MailStatus.SENDING:
            return None
        self.status, self.sent_at, self.message = MailStatus.SENT, now, None
        return [BillingChangeMailSent(customer_id=self.customer_id, task_id=self.task_id, recipient=self.recipient)]

    def mark_failed(self, reason: str, now: datetime) -> list[Message] | None:
        if self.status is not MailStatus.SENDING:
            return None
        return self._fail(reason, now)

    def _fail(self, reason: str, now: datetime) -> list[Message]:
        self.status, self.failed_at, self.reason, self.message = MailStatus.FAILED, now, reason, None
        return [BillingChangeMailFailed(customer_id=self.customer_id, task_id=self.task_id, reason=reason)]


def notified_changes(event: CustomerUpdated) -> list[BillingChange]:
    """R27: only the bundles whose billing-change notification is set are mailed."""
    return [change for change in event.billing_changes if change.notify]


def format_changes(changes: list[BillingChange]) -> str:
    return "\n".join(f"- {change.bundle_id}: {change.before} -> {change.after}" for change in changes)


def billing_change_message_id(task_id: str, sender: str) -> str:
    """One per edit task, so a resend of the same change can be recognised."""
    return f"<billing-change.{_NOT_IN_MESSAGE_ID.sub('-', task_id)}@{mail_domain(sender)}>"


def compose_billing_change(
    event: CustomerUpdated, changes: list[BillingChange], template: MailTemplate, sender: str
) -> OutgoingMail:
    """Raises TemplateError when the stored template names a placeholder that no longer exists."""
    values = {"customer_name": event.spec.details.name, "webid": event.webid, "changes": format_changes(changes)}
    return OutgoingMail(
        sender=sender,
        recipient=event.spec.details.contact_email,
        subject=" ".join(render(template.subject, values).split()),  # a header: no line breaks
        body=render(template.body, values),
        message_id=billing_change_message_id(event.task_id, sender),
    )
