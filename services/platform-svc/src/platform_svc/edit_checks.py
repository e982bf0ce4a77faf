"""The rules an edit's `after` must meet on the group's live platforms (R22): R1, R5, R9, R14, R15.

R4 and R11 concern only a create (the hunt group was there, the first user is not edited); R16-R19
are micollab-svc's, which gets the live versions with PlatformUpdated.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mmp_contracts.customer_spec import CustomerSpec
from mmp_contracts.events import MiCollabTarget
from platform_svc.domain import rules
from platform_svc.domain.configuration import micollab_target, mivb_tenant_body
from platform_svc.domain.edit import copies_held, templates_to_copy
from platform_svc.domain.key_templates import KeyTemplate, check_r15_templates_exist, customer_copies
from platform_svc.platforms import Platforms
from platform_svc.store import PlatformStore
from platform_svc.work import Rejected, reach_group

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class EditAccepted:
    micollab: MiCollabTarget
    """The versions read now, for micollab-svc's gates (as PlatformAssigned carries them)."""
    body: dict[str, Any]
    """The MiVB tenant as `after` makes it, with the customer's key template copies (R15)."""
    previous: dict[str, Any]
    """The MiVB tenant as it is: what a failure puts back."""


class EditChecks:
    def __init__(self, platforms: Platforms, store: PlatformStore) -> None:
        self.platforms = platforms
        self.store = store

    async def check(self, doc: dict[str, Any], before: CustomerSpec, after: CustomerSpec) -> EditAccepted | Rejected:
        """R1, R5, R9, R14, R15 in that order; the first that fails ends it, before anything is changed."""
        reached = await reach_group(self.platforms, self.store, doc["platform_group_id"])
        if isinstance(reached, Rejected):
            return reached
        group, mivb, micollab = reached.group, reached.mivb, reached.micollab
        zone = rules.check_r9_time_zone(mivb.version, after.time_zone.zone)
        if zone.violation:
            return Rejected([zone.violation])
        if zone.warning:
            log.warning("customer %s: %s", doc["_id"], zone.warning)
        if long_cesids := rules.check_r14_cesid_length(mivb.version, after.emergency.locations):
            return Rejected(long_cesids)
        copies = copies_held(doc.get("key_templates", []))
        # R15: the copies the customer has win over the SP's templates as they read now.
        found = {**await self.store.key_templates_by_id(templates_to_copy(after, copies)), **copies}
        if unknown_templates := check_r15_templates_exist(after, found):
            return Rejected(unknown_templates)
        body = mivb_tenant_body(after, zone.apply_zone, customer_copies(after, found))
        previous = doc.get("mivb_body") or self._rebuilt(before, mivb.version, copies)
        return EditAccepted(micollab_target(group.micollab.url, micollab, mivb), body, previous)

    @staticmethod
    def _rebuilt(before: CustomerSpec, mivb_version: str, copies: Mapping[str, KeyTemplate]) -> dict[str, Any]:
        """An assignment made before the tenant body was recorded: it is what the create sent for `before`."""
        apply_zone = rules.check_r9_time_zone(mivb_version, before.time_zone.zone).apply_zone
        return mivb_tenant_body(before, apply_zone, tuple(copies.values()))
