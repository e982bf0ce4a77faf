"""An edit of a customer (R22) as the MiVB sees it: what changed for it, the key template copies it
keeps (R15), and what a MiCollab failure afterwards asks of it. MBG: nothing of an edit concerns it
(the first user, its SIP user, is not edited), so it is never touched.
"""

from collections.abc import Callable, Mapping, Sequence
from enum import StrEnum
from typing import Any

from mmp_contracts.customer_spec import CustomerSpec
from platform_svc.domain.assignment import State
from platform_svc.domain.key_templates import KeyTemplate, wanted_ids
from platform_svc.domain.tasks import Outcome

MIVB_PARTS: dict[str, Callable[[CustomerSpec], object]] = {
    "details.name": lambda spec: spec.details.name,
    "platform.dialing_privileges": lambda spec: spec.platform.dialing_privileges,
    "time_zone": lambda spec: spec.time_zone,
    "cpn_substitutions": lambda spec: spec.cpn_substitutions,
    "emergency": lambda spec: spec.emergency,
    "key_templates": wanted_ids,  # the list and `platform.key_template_id` together, as the tenant gets them
    "hotdesk_devices": lambda spec: spec.hotdesk_devices,
}
"""What the MiVB tenant is made of; bundles, welcome mail, billing and branding are not its business."""


def mivb_changes(before: CustomerSpec, after: CustomerSpec) -> list[str]:
    """The parts of the MiVB tenant the edit changes; none means the MiVB has nothing to do."""
    return [part for part, read in MIVB_PARTS.items() if read(before) != read(after)]


def copies_held(copies: Sequence[Mapping[str, Any]]) -> dict[str, KeyTemplate]:
    """The customer's key template copies, as the assignment keeps them (R15)."""
    return {copy["id"]: KeyTemplate.model_validate(copy) for copy in copies}


def templates_to_copy(after: CustomerSpec, held: Mapping[str, KeyTemplate]) -> list[str]:
    """R15: only templates the customer has no copy of yet are read from the SP's catalogue; a copy it
    has stays as it is, whatever the SP changed in the template since."""
    return [template_id for template_id in wanted_ids(after) if template_id not in held]


class Revert(StrEnum):
    DECIDED = "decided"  # this task's revert (or its failure) is recorded: nothing new
    PUT_BACK = "put_back"  # the MiVB carries the edit: put the previous tenant back
    NOTHING_APPLIED = "nothing_applied"  # the MiVB never changed (or the customer is gone): answer at once


def revert_after_micollab_failure(record: Mapping[str, Any] | None, state: State | None) -> Revert:
    outcome = Outcome(record["outcome"]) if record else None
    if outcome in (Outcome.REVERTED, Outcome.REVERT_FAILED):
        return Revert.DECIDED
    if outcome is Outcome.APPLIED and state is State.ASSIGNED:
        return Revert.PUT_BACK
    return Revert.NOTHING_APPLIED  # a released customer's tenant is gone: putting it back would recreate it
