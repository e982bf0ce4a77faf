"""An edit of a customer (R22) as the MiVB sees it: what changed for it, the key template copies it keeps
(R15), and what a MiCollab failure afterwards asks of it. MBG: nothing of an edit concerns it (the first
user, its SIP user, is not edited), so it is never touched.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from mmp_contracts.customer_spec import CustomerSpec
from mmp_contracts.events import MiCollabTarget
from platform_svc.management.domain.key_templates import KeyTemplate
from platform_svc.provisioning.domain import rules
from platform_svc.provisioning.domain.key_templates import check_r15_templates_exist, customer_copies, wanted_ids
from platform_svc.provisioning.domain.placement import micollab_target
from platform_svc.provisioning.domain.tasks import TaskOutcome, TaskRecord
from platform_svc.provisioning.domain.tenant import MivbTenant

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


@dataclass(frozen=True)
class EditPlan:
    mivb_url: str
    tenant: MivbTenant
    """The MiVB tenant as `after` makes it, with the customer's key template copies (R15)."""
    previous: MivbTenant
    """The MiVB tenant as it is: what a failure puts back."""
    micollab: MiCollabTarget
    """The versions read now, for micollab-svc's gates (as PlatformAssigned carries them)."""
    changes: list[str]
    warning: str | None = None


def plan_edit(
    mivb_url: str,
    previous: MivbTenant,
    before: CustomerSpec,
    after: CustomerSpec,
    reached: rules.Reached,
    catalogue: Mapping[str, KeyTemplate],
) -> EditPlan:
    """R9, R14, R15 on the live MiVB, in that order (R1 and R5 were `reached`'s); R4 and R11 concern only a
    create, R16-R19 are micollab-svc's."""
    mivb = reached.mivb
    zone = rules.check_r9_time_zone(mivb.version, after.time_zone.zone)
    rules.refuse_if([zone.violation])
    rules.refuse_if(rules.check_r14_cesid_length(mivb.version, after.emergency.locations))
    # R15: the copies the customer has win over the SP's templates as they read now.
    found = {**catalogue, **{copy.id: copy for copy in previous.key_templates}}
    rules.refuse_if(check_r15_templates_exist(after, found))
    return EditPlan(
        mivb_url=mivb_url,
        tenant=MivbTenant.of(after, zone.apply_zone, customer_copies(after, found)),
        previous=previous,
        micollab=micollab_target(reached.group.micollab.url, reached.micollab, mivb),
        changes=mivb_changes(before, after),
        warning=zone.warning,
    )


class Revert(StrEnum):
    DECIDED = "decided"  # this task's revert (or its failure) is recorded: nothing new
    PUT_BACK = "put_back"  # the MiVB carries the edit: put the previous tenant back
    NOTHING_APPLIED = "nothing_applied"  # the MiVB never changed (or the customer is gone): answer at once


def revert_after_micollab_failure(record: TaskRecord | None, in_place: bool) -> Revert:
    outcome = record.outcome if record else None
    if outcome in (TaskOutcome.REVERTED, TaskOutcome.REVERT_FAILED):
        return Revert.DECIDED
    if outcome is TaskOutcome.APPLIED and in_place:
        return Revert.PUT_BACK
    return Revert.NOTHING_APPLIED  # a released customer's tenant is gone: putting it back would recreate it
