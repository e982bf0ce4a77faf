"""The only module touching notify-svc's collections: `welcome_mails` and `billing_change_mails`
(aggregates) and `mail_templates`.

A `welcome_mails` document, keyed by customer id, says what became of that customer's welcome mail
(`sent`, `failed` or `not_wanted`) and holds the set-password link as a hash (R26), never the token.
A `billing_change_mails` document, keyed by the edit's task id, says what became of its mail (R27).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mmp_contracts import Message
from mmp_contracts.customer_spec import BillingChange
from mmp_contracts.events import CustomerActivated, CustomerUpdated
from mmp_servicekit.outbox import Aggregates, Cause
from mmp_servicekit.store import DuplicateKeyError
from notify_svc.domain.links import IssuedLink, StoredLink
from notify_svc.domain.templates import MailTemplate


@dataclass(frozen=True)
class FoundLink:
    customer_id: str
    version: int
    link: StoredLink


class NotifyStore:
    def __init__(self, mails: Aggregates, templates: Any, billing_mails: Aggregates) -> None:
        self.mails = mails
        self.templates = templates
        self.billing_mails = billing_mails

    async def create_indexes(self) -> None:
        await self.mails.collection.create_index("link.hash")

    # welcome mails

    async def has_welcome(self, customer_id: str) -> bool:
        return await self.mails.get(customer_id) is not None

    async def record_not_wanted(self, event: CustomerActivated, cause: Cause) -> bool:
        return await self._insert(_base(event, "not_wanted"), cause, ())

    async def record_sent(
        self,
        event: CustomerActivated,
        template_id: str,
        link: IssuedLink,
        at: datetime,
        cause: Cause,
        emit: Sequence[Message],
    ) -> bool:
        doc = {
            **_base(event, "sent"),
            "template_id": template_id,
            "sent_at": at,
            "link": {"hash": link.token_hash, "expires_at": link.expires_at, "used": False, "used_at": None},
        }
        return await self._insert(doc, cause, emit)

    async def record_failed(
        self,
        event: CustomerActivated,
        template_id: str,
        reason: str,
        at: datetime,
        cause: Cause,
        emit: Sequence[Message],
    ) -> bool:
        doc = {**_base(event, "failed"), "template_id": template_id, "failed_at": at, "reason": reason}
        return await self._insert(doc, cause, emit)

    async def _insert(
        self, doc: dict[str, Any], cause: Cause, emit: Sequence[Message], into: Aggregates | None = None
    ) -> bool:
        """False when a concurrent delivery of the same message recorded it first."""
        try:
            await (into or self.mails).insert(doc, cause, emit)
        except DuplicateKeyError:
            return False
        return True

    # billing-change mails (R27): one per edit task

    async def has_billing_change_mail(self, task_id: str) -> bool:
        return await self.billing_mails.get(task_id) is not None

    async def record_billing_change_mail(
        self,
        event: CustomerUpdated,
        changes: Sequence[BillingChange],
        template_id: str,
        at: datetime,
        reason: str | None,
        cause: Cause,
        emit: Sequence[Message],
    ) -> bool:
        """`sent` when there is no reason, else `failed` with it."""
        doc = {
            "_id": event.task_id,
            "customer_id": event.customer_id,
            "task_id": event.task_id,
            "webid": event.webid,
            "recipient": event.spec.details.contact_email,
            "template_id": template_id,
            "changes": [change.model_dump() for change in changes],
            "status": "failed" if reason else "sent",
            "failed_at" if reason else "sent_at": at,
            "reason": reason,
        }
        return await self._insert(doc, cause, emit, into=self.billing_mails)

    # set-password links

    async def find_link(self, token_hash: str) -> FoundLink | None:
        doc = await self.mails.collection.find_one({"link.hash": token_hash})
        if doc is None:
            return None
        link = doc["link"]
        stored = StoredLink(token_hash=link["hash"], expires_at=link["expires_at"], used=bool(link["used"]))
        return FoundLink(customer_id=doc["_id"], version=doc["version"], link=stored)

    async def mark_link_used(self, found: FoundLink, at: datetime) -> bool:
        """Optimistic: False when the document changed since it was read (e.g. a racing redemption)."""
        cause = Cause(correlation_id=f"set-password:{found.customer_id}")
        return await self.mails.update(found.customer_id, found.version, {"link.used": True, "link.used_at": at}, cause)

    # templates

    async def seed_template(self, template: MailTemplate, at: datetime) -> None:
        """Insert only if absent: an SP's edit of the seeded template survives restarts."""
        await self.templates.update_one(
            {"_id": template.id}, {"$setOnInsert": {**_template_fields(template), "updated_at": at}}, upsert=True
        )

    async def put_template(self, template: MailTemplate, at: datetime) -> None:
        await self.templates.replace_one(
            {"_id": template.id}, {**_template_fields(template), "updated_at": at}, upsert=True
        )

    async def get_template(self, template_id: str) -> MailTemplate | None:
        doc = await self.templates.find_one({"_id": template_id})
        return _template(doc) if doc else None

    async def list_templates(self) -> list[MailTemplate]:
        return [_template(doc) async for doc in self.templates.find({}).sort("_id", 1)]


def _base(event: CustomerActivated, status: str) -> dict[str, Any]:
    return {
        "_id": event.customer_id,
        "customer_id": event.customer_id,
        "task_id": event.task_id,
        "webid": event.webid,
        "recipient": event.first_user.email,
        "status": status,
    }


def _template_fields(template: MailTemplate) -> dict[str, str]:
    return {"subject": template.subject, "body": template.body}


def _template(doc: dict[str, Any]) -> MailTemplate:
    return MailTemplate(id=doc["_id"], subject=doc["subject"], body=doc["body"])
