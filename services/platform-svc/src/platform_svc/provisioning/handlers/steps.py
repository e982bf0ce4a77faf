"""The platform calls behind each step: making it (a create) and undoing it (a rollback or a release)."""

from collections.abc import Sequence

from mmp_servicekit.platform_http import PlatformCallFailed
from platform_svc.provisioning.adapters.mbg import Mbg
from platform_svc.provisioning.adapters.mivb import Mivb
from platform_svc.provisioning.adapters.store import SipClaims
from platform_svc.provisioning.domain.placement import Placement
from platform_svc.provisioning.domain.steps import Progress, Step, StepKind, Undo


class StepCalls:
    def __init__(self, mivb: Mivb, mbg: Mbg, claims: SipClaims) -> None:
        self.mivb = mivb
        self.mbg = mbg
        self.claims = claims

    async def configure(self, placement: Placement, progress: Progress) -> None:
        """The placement's steps in order (R20), until one fails; `progress` records what may exist."""
        customer_id, spec = placement.customer_id, placement.spec
        for step in placement.steps:
            try:
                match step.kind:
                    case StepKind.MIVB_TENANT:
                        await self.mivb.put_tenant(step.url, customer_id, placement.tenant)
                    case StepKind.MIVB_DIDS:
                        await self.mivb.put_dids(step.url, customer_id, step.target)
                    case StepKind.MBG_CUSTOMER:
                        await self.mbg.put_customer(step.url, customer_id, spec.details)
                    case StepKind.MBG_SIP_USER:
                        await self.mbg.put_sip_user(step.url, customer_id, spec.first_user)
            except PlatformCallFailed as failure:
                progress.failed(step, failure.reason, failure.maybe_applied)
                return
            progress.done(step)

    async def undo(self, customer_id: str, held: Sequence[Step]) -> Undo:
        """Every step the undo plans is tried, newest first, so one platform down leaves only its own part."""
        undo = Undo(held)
        for step in undo.steps():
            try:
                await self._undo(customer_id, step)
            except PlatformCallFailed as failure:
                undo.failed(step, failure.reason)
        return undo

    async def _undo(self, customer_id: str, step: Step) -> None:
        match step.kind:
            case StepKind.SIP_CLAIM:
                await self.claims.release(step, customer_id)
            case StepKind.MIVB_TENANT:
                await self.mivb.delete_tenant(step.url, customer_id)
            case StepKind.MIVB_DIDS:
                await self.mivb.delete_dids(step.url, customer_id, step.target)
            case StepKind.MBG_CUSTOMER:
                await self.mbg.delete_customer(step.url, customer_id)
            case StepKind.MBG_SIP_USER:
                await self.mbg.delete_sip_user(step.url, customer_id, step.target)
