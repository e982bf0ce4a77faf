"""notify-svc's documents: the only module that knows their shape. Times are stored as ISO strings.

- `welcome_mails` (aggregate, `_id` = customer id): the welcome mail and its set-password link, whose
  token's hash is the indexed top-level `link_hash` (null without a link), and whether it was used or withdrawn
  (R23, R24). Never the token itself.
- `billing_change_mails` (aggregate, `_id` = the edit's task id): the billing-change mail.
- `mail_templates` (plain): `{_id, subject, body, updated_at}`.
"""

from collections.abc import Sequence
from datetime import datetime

from mmp_contracts.customer_spec import BillingChange
from mmp_servicekit.store import Collection, Document, DuplicateKey, Index
from notify_svc.domain.billing_change import BillingChangeMail
from notify_svc.domain.links import SetPasswordLink, Withdrawal
from notify_svc.domain.mail import MailStatus, OutgoingMail
from notify_svc.domain.templates import MailTemplate
from notify_svc.domain.welcome import MailDraft, WelcomeMail


class WelcomeMailMapper:
    indexes: Sequence[Index] = (Index.on("link_hash"),)
    """`link_hash`: redeeming a set-password link finds its mail by the token's hash (R26)."""

    def to_document(self, mail: WelcomeMail) -> Document:
        doc: Document = {
            "_id": mail.customer_id,
            "customer_id": mail.customer_id,
            "task_id": mail.task_id,
            "webid": mail.webid,
            "recipient": mail.recipient,
            "status": mail.status.value,
            "template_id": mail.template_id,
            "link_hash": mail.link.token_hash if mail.link else None,
            "sent_at": _time(mail.sent_at),
            "failed_at": _time(mail.failed_at),
            "reason": mail.reason,
        }
        if mail.link:
            link = mail.link
            doc["link"] = {
                "expires_at": _time(link.expires_at),
                "used": link.used,
                "used_at": _time(link.used_at),
                "withdrawn": link.withdrawn.value if link.withdrawn else None,
                "withdrawn_at": _time(link.withdrawn_at),
            }
        if mail.draft:
            draft = mail.draft
            doc["draft"] = {
                "sender": draft.sender,
                "recipient": draft.recipient,
                "subject": draft.subject,
                "message_id": draft.message_id,
                "body_parts": list(draft.body_parts),
            }
        return doc

    def from_document(self, doc: Document) -> WelcomeMail:
        link, draft = doc.get("link"), doc.get("draft")
        return WelcomeMail(
            customer_id=doc["customer_id"],
            task_id=doc["task_id"],
            webid=doc["webid"],
            recipient=doc["recipient"],
            status=MailStatus(doc["status"]),
            template_id=doc["template_id"],
            link=None
            if link is None
            else SetPasswordLink(
                token_hash=doc["link_hash"],
                expires_at=datetime.fromisoformat(link["expires_at"]),
                used=link["used"],
                used_at=_parse(link["used_at"]),
                # absent from the records written before links could be withdrawn
                withdrawn=Withdrawal(link["withdrawn"]) if link.get("withdrawn") else None,
                withdrawn_at=_parse(link.get("withdrawn_at")),
            ),
            draft=None
            if draft is None
            else MailDraft(
                draft["sender"], draft["recipient"], draft["subject"], draft["message_id"], tuple(draft["body_parts"])
            ),
            sent_at=_parse(doc["sent_at"]),
            failed_at=_parse(doc["failed_at"]),
            reason=doc["reason"],
        )


class BillingChangeMailMapper:
    indexes: Sequence[Index] = ()

    def to_document(self, mail: BillingChangeMail) -> Document:
        doc: Document = {
            "_id": mail.task_id,
            "task_id": mail.task_id,
            "customer_id": mail.customer_id,
            "webid": mail.webid,
            "recipient": mail.recipient,
            "template_id": mail.template_id,
            "changes": [change.model_dump(mode="json") for change in mail.changes],
            "status": mail.status.value,
            "sent_at": _time(mail.sent_at),
            "failed_at": _time(mail.failed_at),
            "reason": mail.reason,
        }
        if mail.message:
            message = mail.message
            doc["message"] = {
                "sender": message.sender,
                "recipient": message.recipient,
                "subject": message.subject,
                "body": message.body,
                "message_id": message.message_id,
            }
        return doc

    def from_document(self, doc: Document) -> BillingChangeMail:
        message = doc.get("message")
        return BillingChangeMail(
            task_id=doc["task_id"],
            customer_id=doc["customer_id"],
            webid=doc["webid"],
            recipient=doc["recipient"],
            template_id=doc["template_id"],
            changes=[BillingChange.model_validate(change) for change in doc["changes"]],
            status=MailStatus(doc["status"]),
            message=None if message is None else OutgoingMail(**message),
            sent_at=_parse(doc["sent_at"]),
            failed_at=_parse(doc["failed_at"]),
            reason=doc["reason"],
        )


class TemplateStore:
    def __init__(self, templates: Collection) -> None:
        self.templates = templates

    async def seed(self, template: MailTemplate, at: datetime) -> None:
        """Insert only if absent: an SP's edit of the seeded template survives restarts."""
        try:
            await self.templates.insert(_template_document(template, at))
        except DuplicateKey as duplicate:
            if duplicate.field != "_id":
                raise

    async def put(self, template: MailTemplate, at: datetime) -> None:
        await self.templates.put(_template_document(template, at))

    async def get(self, template_id: str) -> MailTemplate | None:
        doc = await self.templates.get(template_id)
        return _template(doc) if doc else None

    async def list_all(self) -> list[MailTemplate]:
        return [_template(doc) for doc in await self.templates.find(order_by="_id")]


def _template_document(template: MailTemplate, at: datetime) -> Document:
    return {"_id": template.id, "subject": template.subject, "body": template.body, "updated_at": at.isoformat()}


def _template(doc: Document) -> MailTemplate:
    return MailTemplate(id=doc["_id"], subject=doc["subject"], body=doc["body"])


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
