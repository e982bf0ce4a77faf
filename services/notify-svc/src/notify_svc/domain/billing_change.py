"""The billing-change mail (R27): one mail per edit, to the customer's contact e-mail, listing the bundles
whose quantity changed and that ask for it (`billing_change_notification`)."""

import re

from mmp_contracts.customer_spec import BillingChange
from mmp_contracts.events import CustomerUpdated
from notify_svc.domain.templates import BILLING_CHANGE_TEMPLATE_ID, MailTemplate, render
from notify_svc.domain.welcome import OutgoingMail, mail_domain

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
