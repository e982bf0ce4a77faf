"""The only module that touches platform-svc's collections.

- `platform_groups`: the registered groups (aggregates, with their outbox).
- `assignments`: one aggregate per customer: state, group, what is held where (keyed by customer id).
- `sip_usernames`: claims `<mbg id>:<username>` -> customer id; the unique `_id` makes R11 race-free.
- `platform_manager`: one aggregate (`_id` "pm"): the feature switch, URL, username, the password as
  Fernet ciphertext only (`password_sealed`), the credentials' status.
- `blueprints`: the registered blueprints (aggregates).
- `key_templates`: the SP's key templates (aggregates); customers hold copies (R15), never references.

A deleted group stays as a tombstone (`deleted: true`) so the event its deletion queued in its outbox is
still published; every read here skips tombstones.
"""

from datetime import UTC, datetime
from typing import Any

from mmp_servicekit.outbox import Aggregates
from mmp_servicekit.store import DuplicateKeyError
from platform_svc.domain.assignment import Kind, State, Step
from platform_svc.domain.blueprints import Blueprint
from platform_svc.domain.groups import PlatformGroup
from platform_svc.domain.key_templates import KeyTemplate

GROUP_FIELDS = ("name", "mivb", "micollab", "sites", "mivb_secondary", "blueprint_id", "health")
BLUEPRINT_FIELDS = ("name", "description", "platform_type", "deprecated")
KEY_TEMPLATE_FIELDS = ("name", "phone_model", "keys")
PM_ID = "pm"
LIVE = {"deleted": {"$ne": True}}


class PlatformStore:
    def __init__(
        self,
        groups: Aggregates,
        assignments: Aggregates,
        sip_usernames: Any,
        platform_manager: Aggregates,
        blueprints: Aggregates,
        key_templates: Aggregates,
    ) -> None:
        self.groups = groups
        self.assignments = assignments
        self.sip_usernames = sip_usernames
        self.platform_manager = platform_manager
        self.blueprints = blueprints
        self.key_templates = key_templates

    async def group(self, group_id: str) -> PlatformGroup | None:
        doc = await self.group_document(group_id)
        return group_of(doc) if doc else None

    async def group_document(self, group_id: str) -> dict[str, Any] | None:
        """The live group's document; None for an unknown or deleted group."""
        doc = await self.groups.get(group_id)
        return None if doc is None or doc.get("deleted") else doc

    async def all_groups(self) -> list[PlatformGroup]:
        return [group_of(doc) async for doc in self.groups.collection.find(LIVE).sort("_id", 1)]

    async def group_ids(self) -> list[str]:
        return [doc["_id"] async for doc in self.groups.collection.find(LIVE, {"_id": 1}).sort("_id", 1)]

    async def group_has_customers(self, group_id: str) -> bool:
        """A customer whose MiVB and MBG work is in place, being made (or left there, R21) pins its group."""
        held = [State.ASSIGNED.value, State.RESIDUE.value, State.CONFIGURING.value]
        found = await self.assignments.collection.find_one({"platform_group_id": group_id, "state": {"$in": held}})
        return found is not None

    async def pm_document(self) -> dict[str, Any] | None:
        return await self.platform_manager.get(PM_ID)

    async def blueprint(self, blueprint_id: str) -> Blueprint | None:
        doc = await self.blueprints.get(blueprint_id)
        return blueprint_of(doc) if doc else None

    async def all_blueprints(self) -> list[Blueprint]:
        return [blueprint_of(doc) async for doc in self.blueprints.collection.find({}).sort("_id", 1)]

    async def key_template(self, template_id: str) -> KeyTemplate | None:
        doc = await self.key_templates.get(template_id)
        return key_template_of(doc) if doc else None

    async def all_key_templates(self) -> list[KeyTemplate]:
        return [key_template_of(doc) async for doc in self.key_templates.collection.find({}).sort("_id", 1)]

    async def key_templates_by_id(self, template_ids: list[str]) -> dict[str, KeyTemplate]:
        """The ones that exist, as they read now (one query: the snapshot copied to a customer, R15)."""
        if not template_ids:
            return {}
        found = self.key_templates.collection.find({"_id": {"$in": template_ids}})
        return {doc["_id"]: key_template_of(doc) async for doc in found}

    async def assignment(self, customer_id: str) -> dict[str, Any] | None:
        return await self.assignments.get(customer_id)

    async def claim_sip_username(self, claim: Step, customer_id: str) -> str:
        """Claims the username on its MBG for this customer; returns the customer that holds it."""
        assert claim.kind is Kind.SIP_CLAIM
        claim_id = f"{claim.url}:{claim.target}"
        try:
            await self.sip_usernames.insert_one(
                {"_id": claim_id, "customer_id": customer_id, "mbg_id": claim.url, "username": claim.target}
            )
            return customer_id
        except DuplicateKeyError:
            doc = await self.sip_usernames.find_one({"_id": claim_id})
            if doc is None:  # released in between: claim again
                return await self.claim_sip_username(claim, customer_id)
            return str(doc["customer_id"])

    async def release_sip_username(self, claim: Step, customer_id: str) -> None:
        # Only our own claim: a redelivered release must never free another customer's name.
        await self.sip_usernames.delete_one({"_id": f"{claim.url}:{claim.target}", "customer_id": customer_id})


def now() -> datetime:
    """The time as MongoDB keeps it (milliseconds), so what is answered equals what is read back later."""
    moment = datetime.now(UTC)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def group_document(group: PlatformGroup) -> dict[str, Any]:
    data = group.model_dump()
    return {"_id": data.pop("id"), **data, "deleted": False}


def group_of(doc: dict[str, Any]) -> PlatformGroup:
    return PlatformGroup.model_validate({"id": doc["_id"], **{key: doc[key] for key in GROUP_FIELDS if key in doc}})


def blueprint_document(blueprint: Blueprint) -> dict[str, Any]:
    data = blueprint.model_dump()
    return {"_id": data.pop("id"), **data}


def blueprint_of(doc: dict[str, Any]) -> Blueprint:
    return Blueprint.model_validate({"id": doc["_id"], **{key: doc[key] for key in BLUEPRINT_FIELDS}})


def key_template_document(template: KeyTemplate) -> dict[str, Any]:
    data = template.model_dump()
    return {"_id": data.pop("id"), **data}


def key_template_of(doc: dict[str, Any]) -> KeyTemplate:
    return KeyTemplate.model_validate({"id": doc["_id"], **{key: doc[key] for key in KEY_TEMPLATE_FIELDS}})
