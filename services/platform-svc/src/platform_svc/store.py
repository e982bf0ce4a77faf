"""The only module that touches platform-svc's collections.

- `platform_groups`: the registered groups (aggregates, with their outbox).
- `assignments`: one aggregate per customer: state, group, what is held where (keyed by customer id).
- `sip_usernames`: claims `<mbg id>:<username>` -> customer id; the unique `_id` makes R11 race-free.
"""

from typing import Any

from mmp_servicekit.outbox import Aggregates
from mmp_servicekit.store import DuplicateKeyError
from platform_svc.domain.assignment import Kind, Step
from platform_svc.domain.groups import PlatformGroup

GROUP_FIELDS = ("name", "mivb", "micollab", "sites")


class PlatformStore:
    def __init__(self, groups: Aggregates, assignments: Aggregates, sip_usernames: Any) -> None:
        self.groups = groups
        self.assignments = assignments
        self.sip_usernames = sip_usernames

    async def group(self, group_id: str) -> PlatformGroup | None:
        doc = await self.groups.get(group_id)
        return group_of(doc) if doc else None

    async def group_document(self, group_id: str) -> dict[str, Any] | None:
        return await self.groups.get(group_id)

    async def all_groups(self) -> list[PlatformGroup]:
        return [group_of(doc) async for doc in self.groups.collection.find({}).sort("_id", 1)]

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


def group_document(group: PlatformGroup) -> dict[str, Any]:
    data = group.model_dump()
    return {"_id": data.pop("id"), **data}


def group_of(doc: dict[str, Any]) -> PlatformGroup:
    return PlatformGroup.model_validate({"id": doc["_id"], **{key: doc[key] for key in GROUP_FIELDS}})
