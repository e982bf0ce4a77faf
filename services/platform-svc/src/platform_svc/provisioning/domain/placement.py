"""A create that passed its checks (R1, R5, R4, R9, R14, R15): where the customer goes, and what is made
there, in order (R20): the SIP username claim (R11), the MiVB tenant, each DID range, the MBG customer and
its first SIP user."""

from collections.abc import Mapping
from dataclasses import dataclass

from mmp_contracts.customer_spec import CustomerSpec
from mmp_contracts.events import MiCollabTarget
from platform_svc.management.domain.groups import PlatformGroup
from platform_svc.management.domain.key_templates import KeyTemplate
from platform_svc.management.domain.platforms import HuntGroup, SystemInfo, Unreachable
from platform_svc.provisioning.domain import rules
from platform_svc.provisioning.domain.key_templates import check_r15_templates_exist, customer_copies
from platform_svc.provisioning.domain.steps import Step, StepKind
from platform_svc.provisioning.domain.tenant import MivbTenant


def micollab_target(url: str, micollab: SystemInfo, mivb: SystemInfo) -> MiCollabTarget:
    """For micollab-svc's gates (R16-R19): the versions the platforms report now, fresher than the copy
    taken when the group was registered."""
    return MiCollabTarget(
        url=url, version=micollab.version, rest_api_scripts=bool(micollab.rest_api_scripts), mivb_version=mivb.version
    )


def configuration_steps(customer_id: str, spec: CustomerSpec, group: PlatformGroup) -> list[Step]:
    """R20: the MiVB tenant, each of its DID ranges, then the MBG customer and its first SIP user."""
    mivb, mbg = group.mivb.url, group.customer_mbg().url
    return [
        Step(StepKind.MIVB_TENANT, mivb, customer_id),
        *(Step(StepKind.MIVB_DIDS, mivb, did.text()) for did in spec.did_ranges),
        Step(StepKind.MBG_CUSTOMER, mbg, customer_id),
        Step(StepKind.MBG_SIP_USER, mbg, spec.first_user.username),
    ]


@dataclass(frozen=True)
class Placement:
    customer_id: str
    task_id: str
    spec: CustomerSpec
    group_id: str
    claim: Step
    """R11: the first user's SIP username on the group's first-site MBG."""
    steps: tuple[Step, ...]
    tenant: MivbTenant
    """What the MiVB tenant gets, with the customer's key template copies (R15)."""
    micollab: MiCollabTarget
    warnings: tuple[str, ...]

    @classmethod
    def plan(
        cls,
        customer_id: str,
        task_id: str,
        spec: CustomerSpec,
        reached: rules.Reached,
        hunt_groups: list[HuntGroup] | Unreachable,
        templates: Mapping[str, KeyTemplate],
    ) -> "Placement":
        """R4, R9, R14, R15 in that order; the first that fails refuses the create."""
        group, mivb = reached.group, reached.mivb
        rules.refuse_if([rules.check_r4_voicemail_hunt_group(group.mivb.url, hunt_groups)])
        time_zone = rules.check_r9_time_zone(mivb.version, spec.time_zone.zone)
        rules.refuse_if([time_zone.violation])
        rules.refuse_if(rules.check_r14_cesid_length(mivb.version, spec.emergency.locations))
        rules.refuse_if(check_r15_templates_exist(spec, templates))
        return cls(
            customer_id=customer_id,
            task_id=task_id,
            spec=spec,
            group_id=group.id,
            claim=Step(StepKind.SIP_CLAIM, group.customer_mbg().id, spec.first_user.username),
            steps=tuple(configuration_steps(customer_id, spec, group)),
            tenant=MivbTenant.of(spec, time_zone.apply_zone, customer_copies(spec, templates)),
            micollab=micollab_target(group.micollab.url, reached.micollab, mivb),
            warnings=(time_zone.warning,) if time_zone.warning else (),
        )

    @property
    def planned(self) -> list[Step]:
        return [self.claim, *self.steps]

    def check_claim(self, owner: str) -> None:
        """R11: `owner` holds the SIP username on this MBG now; only our own claim lets the create go on."""
        rules.refuse_if([rules.check_r11_sip_username(self.claim.target, self.claim.url, owner, self.customer_id)])
