"""Blueprints (R2): what the Platform Manager offers, registering one here, editing it."""

from collections.abc import Mapping
from typing import Any

from mmp_contracts import Message
from mmp_servicekit.repository import Outcome, Repository
from platform_svc.management.adapters.pm_client import PmClient
from platform_svc.management.domain.blueprints import Blueprint, OfferedBlueprint
from platform_svc.management.domain.platform_manager import PmAnswer, PmStatus
from platform_svc.management.domain.refusals import Refusal, RefusalKind
from platform_svc.management.handlers import api_cause
from platform_svc.management.handlers.platform_manager import PlatformManagerHandlers


class BlueprintHandlers:
    def __init__(self, blueprints: Repository[Blueprint], manager: PlatformManagerHandlers, client: PmClient) -> None:
        self.blueprints = blueprints
        self.manager = manager
        self.client = client

    async def offered(self) -> list[tuple[OfferedBlueprint, bool]]:
        """What the registered PM offers, each with whether it is registered here."""
        offered = await self.client.blueprints(await self.manager.credentials())
        if isinstance(offered, PmAnswer):
            raise await self._pm_failed(offered)
        registered = {blueprint.id for blueprint in await self.blueprints.find()}
        return [(blueprint, blueprint.id in registered) for blueprint in offered]

    async def register(self, blueprint_id: str) -> Blueprint:
        credentials = await self.manager.credentials()
        if await self.blueprints.get(blueprint_id) is not None:
            raise _already(blueprint_id)
        offered = await self.client.blueprint(credentials, blueprint_id)
        if offered is None:
            message = f"the Platform Manager offers no blueprint {blueprint_id}"
            raise Refusal.of(RefusalKind.NOT_FOUND, "blueprint_id", "R2", message)
        if isinstance(offered, PmAnswer):
            raise await self._pm_failed(offered)
        blueprint = Blueprint.register(offered)
        if not await self.blueprints.create(blueprint, api_cause()):
            raise _already(blueprint_id)
        return blueprint

    async def edit(self, blueprint_id: str, patch: Mapping[str, Any]) -> Blueprint:
        edited: list[Blueprint] = []

        def edit(blueprint: Blueprint) -> list[Message]:
            events = blueprint.edit(patch)
            edited.append(blueprint)
            return events

        if await self.blueprints.change(blueprint_id, api_cause(), edit) is Outcome.MISSING:
            raise Refusal.of(RefusalKind.NOT_FOUND, "blueprint_id", "R2", f"blueprint {blueprint_id} not found")
        return edited[-1]

    async def _pm_failed(self, answer: PmAnswer) -> Refusal:
        if answer.status is PmStatus.CREDENTIALS_REJECTED:
            await self.manager.check()  # R3: the status shows it at once, not at the next periodic check
            message = f"{answer.reason}; rotate them (POST /api/v1/platform-manager/credentials)"
            return Refusal.of(RefusalKind.UPSTREAM, "password", "R3", message)
        return Refusal.of(RefusalKind.UPSTREAM, "url", "R2", answer.reason or "the Platform Manager did not answer")


def _already(blueprint_id: str) -> Refusal:
    return Refusal.of(RefusalKind.CONFLICT, "blueprint_id", "R2", f"blueprint {blueprint_id} is registered already")
