"""The platform side of the create saga: check the rules on live data, configure, undo.

Decisions come from the domain; this module only fetches and calls. Nothing here writes the
assignment: the handlers do, before the first platform call (CONFIGURING) and with the outcome.
"""

import asyncio
from dataclasses import dataclass

from mmp_contracts import Violation
from mmp_contracts.customer_spec import CustomerSpec
from platform_svc.domain import key_templates, rules
from platform_svc.domain.assignment import Kind, Step, may_undo, still_held, undo_plan
from platform_svc.domain.configuration import (
    configuration_steps,
    mbg_customer_body,
    mivb_tenant_body,
    sip_claim,
    sip_user_body,
)
from platform_svc.domain.groups import PlatformGroup, SystemInfo
from platform_svc.domain.key_templates import KeyTemplate
from platform_svc.platforms import PlatformCallFailed, Platforms
from platform_svc.store import PlatformStore


@dataclass(frozen=True)
class Accepted:
    group: PlatformGroup
    mivb: SystemInfo
    micollab: SystemInfo
    time_zone: rules.TimeZoneDecision
    claim: Step
    key_templates: tuple[KeyTemplate, ...]
    """R15: the customer's copies, read once here so the MiVB and the assignment get the same content."""


@dataclass(frozen=True)
class Rejected:
    violations: list[Violation]

    @property
    def reason(self) -> str:
        return "; ".join(f"{v.rule}: {v.message}" for v in self.violations)


@dataclass(frozen=True)
class Reached:
    group: PlatformGroup
    mivb: SystemInfo
    micollab: SystemInfo


async def reach_group(platforms: Platforms, store: PlatformStore, group_id: str) -> Reached | Rejected:
    """R1: the group is registered; R5: its MiVB and MiCollab answer now, with their versions."""
    group = await store.group(group_id)
    if (unknown := rules.check_r1_group_registered(group_id, group)) or group is None:
        return Rejected([unknown] if unknown else [])
    mivb, micollab = await asyncio.gather(
        platforms.probe("MiVB", group.mivb.url), platforms.probe("MiCollab", group.micollab.url)
    )
    if not (isinstance(mivb, SystemInfo) and isinstance(micollab, SystemInfo)):
        return Rejected(rules.check_r5_live_connection(group, mivb, micollab))
    return Reached(group, mivb, micollab)


@dataclass(frozen=True)
class Undone:
    held: list[Step]
    """What is still held after the undo: empty when everything is gone."""
    problems: list[str]


class PlatformWork:
    def __init__(self, platforms: Platforms, store: PlatformStore) -> None:
        self.platforms = platforms
        self.store = store

    async def check(self, customer_id: str, spec: CustomerSpec) -> Accepted | Rejected:
        """R1, R5, R4, R9, R14, R15 in that order; nothing is written (the R11 claim is `claim`)."""
        reached = await reach_group(self.platforms, self.store, spec.platform.platform_group_id)
        if isinstance(reached, Rejected):
            return reached
        group, mivb, micollab = reached.group, reached.mivb, reached.micollab
        try:
            hunt_groups = await self.platforms.hunt_groups(group.mivb.url)
        except PlatformCallFailed as failure:
            message = f"could not check the voicemail hunt group: {failure.reason}"
            return Rejected([Violation(field="platform.platform_group_id", rule="R4", message=message)])
        if missing := rules.check_r4_voicemail_hunt_group(group.mivb.url, hunt_groups):
            return Rejected([missing])
        time_zone = rules.check_r9_time_zone(mivb.version, spec.time_zone.zone)
        if time_zone.violation:
            return Rejected([time_zone.violation])
        if long_cesids := rules.check_r14_cesid_length(mivb.version, spec.emergency.locations):
            return Rejected(long_cesids)
        found = await self.store.key_templates_by_id(key_templates.wanted_ids(spec))
        if unknown_templates := key_templates.check_r15_templates_exist(spec, found):
            return Rejected(unknown_templates)
        claim = sip_claim(group.customer_mbg(), spec.first_user.username)
        return Accepted(group, mivb, micollab, time_zone, claim, key_templates.customer_copies(spec, found))

    async def claim(self, customer_id: str, accepted: Accepted) -> Rejected | None:
        """R11: claims the first user's SIP username on the MBG (again, harmlessly, when already ours)."""
        owner = await self.store.claim_sip_username(accepted.claim, customer_id)
        clash = rules.check_r11_sip_username(accepted.claim.target, accepted.claim.url, owner, customer_id)
        return Rejected([clash]) if clash else None

    async def configure(
        self, customer_id: str, spec: CustomerSpec, accepted: Accepted
    ) -> tuple[list[Step], str | None]:
        """Runs the R20 steps in order; returns what is held and the failure that stopped it, if any."""
        held = [accepted.claim]
        for step in configuration_steps(customer_id, spec, accepted.group):
            try:
                await self._apply(customer_id, spec, accepted, step)
            except PlatformCallFailed as failure:
                if failure.maybe_applied:
                    held.append(step)
                return held, failure.reason
            held.append(step)
        return held, None

    async def undo(self, customer_id: str, held: list[Step]) -> Undone:
        """Every undo is tried (newest first), so one platform down leaves only its own part behind."""
        not_undone: list[Step] = []
        problems: list[str] = []
        for step in undo_plan(held):
            if not may_undo(step, not_undone):
                not_undone.append(step)
                continue
            try:
                await self._undo(customer_id, step)
            except PlatformCallFailed as failure:
                not_undone.append(step)
                problems.append(failure.reason)
        return Undone(still_held(held, not_undone), problems)

    async def _apply(self, customer_id: str, spec: CustomerSpec, accepted: Accepted, step: Step) -> None:
        match step.kind:
            case Kind.MIVB_TENANT:
                body = mivb_tenant_body(spec, accepted.time_zone.apply_zone, accepted.key_templates)
                await self.platforms.put_mivb_tenant(step.url, customer_id, body)
            case Kind.MIVB_DIDS:
                await self.platforms.put_mivb_dids(step.url, customer_id, step.target)
            case Kind.MBG_CUSTOMER:
                await self.platforms.put_mbg_customer(step.url, customer_id, mbg_customer_body(spec))
            case Kind.MBG_SIP_USER:
                await self.platforms.put_mbg_sip_user(step.url, customer_id, step.target, sip_user_body(spec))
            case Kind.SIP_CLAIM:
                raise ValueError("a SIP username is claimed by the checks, not configured")

    async def _undo(self, customer_id: str, step: Step) -> None:
        match step.kind:
            case Kind.SIP_CLAIM:
                await self.store.release_sip_username(step, customer_id)
            case Kind.MIVB_TENANT:
                await self.platforms.delete_mivb_tenant(step.url, customer_id)
            case Kind.MIVB_DIDS:
                await self.platforms.delete_mivb_dids(step.url, customer_id, step.target)
            case Kind.MBG_CUSTOMER:
                await self.platforms.delete_mbg_customer(step.url, customer_id)
            case Kind.MBG_SIP_USER:
                await self.platforms.delete_mbg_sip_user(step.url, customer_id, step.target)
