"""The rules a create or an edit must meet on the group's live platforms: fetched here, judged by the domain."""

import asyncio
from collections.abc import Mapping, Sequence
from typing import Protocol

from mmp_contracts.customer_spec import CustomerSpec
from platform_svc.management.domain.groups import PlatformGroup
from platform_svc.management.domain.key_templates import KeyTemplate
from platform_svc.provisioning.adapters.micollab import MiCollab
from platform_svc.provisioning.adapters.mivb import Mivb
from platform_svc.provisioning.domain import rules
from platform_svc.provisioning.domain.assignment import Assignment
from platform_svc.provisioning.domain.edit import EditPlan
from platform_svc.provisioning.domain.key_templates import wanted_ids
from platform_svc.provisioning.domain.placement import Placement


class Catalogue(Protocol):
    """All provisioning reads of platform management: its live groups and the SP's key templates (R1, R15).
    Bootstrap hands in management's catalogue."""

    async def group(self, group_id: str) -> PlatformGroup | None: ...

    async def key_templates(self, template_ids: Sequence[str]) -> Mapping[str, KeyTemplate]: ...


class LiveChecks:
    def __init__(self, catalogue: Catalogue, mivb: Mivb, micollab: MiCollab) -> None:
        self.catalogue = catalogue
        self.mivb = mivb
        self.micollab = micollab

    async def placement(self, customer_id: str, task_id: str, spec: CustomerSpec) -> Placement:
        """R1, R5, R4, R9, R14, R15 in that order; refused at the first that fails. Nothing is written."""
        reached = await self._reach(spec.platform.platform_group_id)
        hunt_groups = await self.mivb.hunt_groups(reached.group.mivb.url)
        templates = await self.catalogue.key_templates(wanted_ids(spec))
        return Placement.plan(customer_id, task_id, spec, reached, hunt_groups, templates)

    async def edit(self, assignment: Assignment, before: CustomerSpec, after: CustomerSpec) -> EditPlan:
        """R1, R5, R9, R14, R15 in that order, before anything is changed; only templates the customer has
        no copy of are read (R15)."""
        reached = await self._reach(assignment.in_place_group())  # an assignment not in place is refused first
        templates = await self.catalogue.key_templates(assignment.templates_to_copy(after))
        return assignment.plan_edit(before, after, reached, templates)

    async def _reach(self, group_id: str) -> rules.Reached:
        group = rules.registered_group(group_id, await self.catalogue.group(group_id))
        mivb, micollab = await asyncio.gather(
            self.mivb.system(group.mivb.url), self.micollab.system(group.micollab.url)
        )
        return rules.reached(group, mivb, micollab)
